//! Operator operations on the business clock.

use partner_domain::{
    Timestamp,
    time::{self, ClockSetting},
};

use crate::{Caller, Engine, EngineError};

/// The clock as an operator sees it: its mode and the business time now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockView {
    pub manual: bool,
    pub now: Timestamp,
}

impl Engine {
    pub async fn show_clock(&self, caller: &Caller) -> Result<ClockView, EngineError> {
        self.calling_operator(caller)?;
        let mut tx = self.store.read().await?;
        let manual = matches!(tx.clock().await?, Some(ClockSetting::Manual(_)));
        Ok(ClockView { manual, now: self.now(&mut *tx).await? })
    }

    /// Moves a manual clock forward by `seconds`.
    pub async fn advance_clock(
        &self,
        caller: &Caller,
        seconds: i64,
    ) -> Result<ClockView, EngineError> {
        self.move_clock(caller, |now| {
            if seconds < 0 {
                return Err(EngineError::InvalidParameter {
                    field: "seconds",
                    reason: "must be a whole number of seconds, 0 or more".into(),
                });
            }
            now.checked_add_seconds(seconds).ok_or(time::ClockError::ClockOutOfRange.into())
        })
        .await
    }

    /// Sets a manual clock to `to`, which must not be before its time now.
    pub async fn set_clock(
        &self,
        caller: &Caller,
        to: Timestamp,
    ) -> Result<ClockView, EngineError> {
        self.move_clock(caller, |_| Ok(to)).await
    }

    async fn move_clock(
        &self,
        caller: &Caller,
        to: impl FnOnce(Timestamp) -> Result<Timestamp, EngineError>,
    ) -> Result<ClockView, EngineError> {
        self.calling_operator(caller)?;
        let res = async {
            let mut tx = self.store.write().await?;
            let setting = tx.clock().await?.unwrap_or(ClockSetting::System);
            let now = self.now(&mut *tx).await?;
            let moved = time::move_manual_clock(setting, to(now)?)?;
            tx.set_clock(moved).await?;
            let ClockSetting::Manual(new_now) = moved else {
                return Err(EngineError::Clock(time::ClockError::ClockNotManual));
            };
            self.audit(&mut *tx, caller, new_now, "MoveClock", "clock".into()).await?;
            tx.commit().await?;
            Ok(ClockView { manual: true, now: new_now })
        }
        .await;
        if let Err(err) = &res {
            self.audit_refusal(caller, "MoveClock", "clock".into(), err).await;
        }
        res
    }
}
