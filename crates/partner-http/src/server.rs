//! Serving connections on a hostile network: a cap on connections, a deadline for a request's
//! headers and one for its answer, and a graceful stop.

use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    Router,
    extract::{ConnectInfo, Request},
    http::StatusCode,
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{net::TcpListener, sync::Semaphore};
use tower::ServiceExt as _;

use crate::error::ApiError;

/// What one server accepts from its clients.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A connection whose request headers have not all arrived by then is closed (slowloris).
    pub header_timeout: Duration,
    /// A request not answered by then gets 504 `APIG.0201`, as the real gateway's backend
    /// timeout. Work it started (a money movement in the group commit) may still complete: an
    /// idempotency key makes the retry safe.
    pub request_timeout: Duration,
    /// Connections served at once; past it the server stops accepting until one closes, and new
    /// ones wait in the kernel's queue.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 512,
        }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let request_timeout = limits.request_timeout;
    let app = app.layer(middleware::from_fn(move |req: Request, next: Next| {
        answer_within(request_timeout, req, next)
    }));
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors, or a connection reset while queued: the listener
                    // itself is fine, so pause briefly rather than spin.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = app.clone().map_request(move |req: hyper::Request<Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req
        });
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(err) = connection.await {
                tracing::debug!(error = %err, %peer, "connection closed with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

async fn answer_within(deadline: Duration, req: Request, next: Next) -> Response {
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(StatusCode::GATEWAY_TIMEOUT, "APIG.0201", "Backend timeout.")
            .into_response(),
    }
}
