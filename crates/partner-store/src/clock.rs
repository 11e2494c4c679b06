//! The `business_clock` row: the world's manual clock, which every server of a cluster reads.

use async_trait::async_trait;
use partner_domain::time::ClockSetting;

use crate::{
    ClockRows, StoreError,
    sql::{self, Backend, Columns, Connection, Statement},
};

const CLOCK: &str = "SELECT mode, now_ms FROM business_clock WHERE id = 1";

const SET_CLOCK: &str = "INSERT INTO business_clock (id, mode, now_ms) VALUES (1, $1, $2) \
     ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, now_ms = excluded.now_ms";

fn clock_row(row: &impl Columns) -> Result<ClockSetting, StoreError> {
    let mode = row.text("mode")?;
    match (mode.as_str(), row.int_or_null("now_ms")?) {
        ("system", _) => Ok(ClockSetting::System),
        ("manual", Some(now)) => Ok(ClockSetting::Manual(sql::at(now))),
        _ => Err(sql::corrupt("business_clock.mode", mode)),
    }
}

#[async_trait]
impl<T: Backend> ClockRows for T {
    async fn clock(&mut self) -> Result<Option<ClockSetting>, StoreError> {
        let row = self.connection().fetch_optional(Statement::new(CLOCK)).await?;
        row.as_ref().map(clock_row).transpose()
    }

    async fn set_clock(&mut self, setting: ClockSetting) -> Result<(), StoreError> {
        let (mode, now) = match setting {
            ClockSetting::System => ("system", None),
            ClockSetting::Manual(now) => ("manual", Some(now.millis())),
        };
        self.connection().execute(Statement::new(SET_CLOCK).bind(mode).bind(now)).await?;
        Ok(())
    }
}
