//! Handing out customer numbers from blocks reserved in the store, so that creates do not all
//! update one counter item: one store call per block per Lambda instance. Numbers of a block an
//! instance never used are skipped (gaps are harmless).

use crate::ports::{CustomerNumbers, StoreError};
use crate::values::CustomerNumber;
use std::sync::Arc;
use tokio::sync::Mutex;

pub struct NumberAllocator {
    store: Arc<dyn CustomerNumbers>,
    block: u32,
    range: Mutex<(i64, i64)>,
}

impl NumberAllocator {
    pub fn new(store: Arc<dyn CustomerNumbers>, block: u32) -> Self {
        Self {
            store,
            block: block.max(1),
            range: Mutex::new((0, 0)),
        }
    }

    pub async fn next(&self) -> Result<CustomerNumber, StoreError> {
        let mut range = self.range.lock().await;
        if range.0 >= range.1 {
            let first = self.store.reserve(self.block).await?;
            *range = (first, first.saturating_add(i64::from(self.block)));
        }
        let n = range.0;
        range.0 += 1;
        CustomerNumber::parse("customerNumber", n)
            .map_err(|_| StoreError::Corrupt(format!("the number counter handed out {n}")))
    }
}
