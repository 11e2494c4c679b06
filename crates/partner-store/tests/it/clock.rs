//! `ClockRows`: the world's manual clock, one row that every server reads.

use partner_domain::{Timestamp, time::ClockSetting};

use crate::backends;

#[tokio::test]
async fn the_clock_is_unset_then_holds_the_last_setting() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.clock().await.unwrap(), None, "{}", b.name);
        tx.set_clock(ClockSetting::Manual(Timestamp::from_millis(42))).await.unwrap();
        tx.set_clock(ClockSetting::Manual(Timestamp::from_millis(43))).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        let manual = Some(ClockSetting::Manual(Timestamp::from_millis(43)));
        assert_eq!(tx.clock().await.unwrap(), manual, "{}", b.name);
        tx.set_clock(ClockSetting::System).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = b.store.write().await.unwrap();
        assert_eq!(tx.clock().await.unwrap(), Some(ClockSetting::System), "{}", b.name);
        tx.set_clock(ClockSetting::Manual(Timestamp::from_millis(-1))).await.unwrap();
        assert_eq!(
            tx.clock().await.unwrap(),
            Some(ClockSetting::Manual(Timestamp::from_millis(-1))),
            "{}",
            b.name
        );
    }
}
