//! What an operation asks of DynamoDB, recorded by an SDK interceptor on the very client the
//! handlers use, and the same requests sent again without the handler around them.
//!
//! The replay is the operation's physical floor: the same requests, with the same payloads, in
//! the same order and with the same concurrency, through the same SDK client. Reads go to the
//! table the handler read (nothing changes it in between); writes go to a twin table that has
//! received every write the handlers made, in the same order, so every condition in them holds
//! there exactly as it held for the handler.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemInput;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::get_item::GetItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::query::QueryInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use futures::future::{BoxFuture, FutureExt, Shared};
use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as the handler made it.
#[derive(Debug, Clone)]
pub enum Request {
    GetItem(GetItemInput),
    BatchGetItem(BatchGetItemInput),
    Query(QueryInput),
    TransactWriteItems(TransactWriteItemsInput),
    UpdateItem(UpdateItemInput),
    DeleteItem(DeleteItemInput),
    PutItem(PutItemInput),
    BatchWriteItem(BatchWriteItemInput),
    /// An operation the replay does not know; counted, never replayed.
    Other(&'static str),
}

impl Request {
    pub fn name(&self) -> &'static str {
        match self {
            Self::GetItem(_) => "GetItem",
            Self::BatchGetItem(_) => "BatchGetItem",
            Self::Query(_) => "Query",
            Self::TransactWriteItems(_) => "TransactWriteItems",
            Self::UpdateItem(_) => "UpdateItem",
            Self::DeleteItem(_) => "DeleteItem",
            Self::PutItem(_) => "PutItem",
            Self::BatchWriteItem(_) => "BatchWriteItem",
            Self::Other(name) => name,
        }
    }
}

/// One request and when it ran.
#[derive(Debug, Clone)]
pub struct Call {
    pub request: Request,
    pub start: Instant,
    pub end: Instant,
    /// HTTP attempts (more than one when the SDK retried).
    pub attempts: u32,
    pub ok: bool,
}

#[derive(Debug, Default)]
struct Log {
    recording: bool,
    calls: Vec<Call>,
}

/// The interceptor: while recording, keeps every request the client executes.
#[derive(Debug, Clone, Default)]
pub struct Recorder {
    log: Arc<Mutex<Log>>,
}

#[derive(Debug, Clone, Copy)]
struct CallIndex(usize);

impl Storable for CallIndex {
    type Storer = StoreReplace<Self>;
}

fn decode(input: &aws_smithy_runtime_api::client::interceptors::context::Input) -> Request {
    macro_rules! try_as {
        ($($variant:ident($ty:ty)),*) => {
            $(if let Some(i) = input.downcast_ref::<$ty>() { return Request::$variant(i.clone()); })*
        };
    }
    try_as!(
        GetItem(GetItemInput),
        BatchGetItem(BatchGetItemInput),
        Query(QueryInput),
        TransactWriteItems(TransactWriteItemsInput),
        UpdateItem(UpdateItemInput),
        DeleteItem(DeleteItemInput),
        PutItem(PutItemInput),
        BatchWriteItem(BatchWriteItemInput)
    );
    Request::Other("other")
}

impl Recorder {
    fn with<R>(&self, f: impl FnOnce(&mut Log) -> R) -> R {
        match self.log.lock() {
            Ok(mut log) => f(&mut log),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }

    /// Starts recording; what was recorded before is dropped.
    pub fn start(&self) {
        self.with(|log| {
            log.calls.clear();
            log.recording = true;
        });
    }

    /// Stops recording and returns the calls, in the order they started.
    pub fn take(&self) -> Vec<Call> {
        self.with(|log| {
            log.recording = false;
            std::mem::take(&mut log.calls)
        })
    }
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "bench-recorder"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let index = self.with(|log| {
            log.recording.then(|| {
                let now = Instant::now();
                log.calls.push(Call {
                    request: decode(context.input()),
                    start: now,
                    end: now,
                    attempts: 0,
                    ok: false,
                });
                log.calls.len() - 1
            })
        });
        if let Some(i) = index {
            cfg.interceptor_state().store_put(CallIndex(i));
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(&CallIndex(i)) = cfg.load::<CallIndex>() {
            self.with(|log| {
                if let Some(call) = log.calls.get_mut(i) {
                    call.attempts += 1;
                }
            });
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(&CallIndex(i)) = cfg.load::<CallIndex>() {
            let ok = context.output_or_error().is_some_and(|r| r.is_ok());
            self.with(|log| {
                if let Some(call) = log.calls.get_mut(i) {
                    call.end = Instant::now();
                    call.ok = ok;
                }
            });
        }
        Ok(())
    }
}

/// The client of `base`'s configuration with the recorder added.
pub fn recording_client(base: &Client, recorder: &Recorder) -> Client {
    let config = base.config().to_builder().interceptor(recorder.clone()).build();
    Client::from_conf(config)
}

/// For each call (in the order they started), the earlier calls that had ended when it
/// started: what it waited for, as far as the recording shows. Calls that overlapped wait for
/// none of each other; a call made after another ended waits for it.
pub fn waits(calls: &[Call]) -> Vec<Vec<usize>> {
    calls
        .iter()
        .map(|call| {
            calls
                .iter()
                .enumerate()
                .filter(|(_, earlier)| earlier.end <= call.start)
                .map(|(j, _)| j)
                .collect()
        })
        .collect()
}

/// The time during which at least one of the calls was under way: calls made at once count
/// once.
pub fn time_in_calls(calls: &[Call]) -> Duration {
    let mut spans: Vec<(Instant, Instant)> = calls.iter().map(|c| (c.start, c.end)).collect();
    spans.sort();
    let mut total = Duration::ZERO;
    let mut open: Option<(Instant, Instant)> = None;
    for (start, end) in spans {
        open = match open {
            Some((from, to)) if start <= to => Some((from, to.max(end))),
            Some((from, to)) => {
                total += to.saturating_duration_since(from);
                Some((start, end))
            }
            None => Some((start, end)),
        };
    }
    total + open.map_or(Duration::ZERO, |(from, to)| to.saturating_duration_since(from))
}

/// Requests per operation name.
pub fn counts(calls: &[Call]) -> BTreeMap<&'static str, u32> {
    let mut out = BTreeMap::new();
    for c in calls {
        *out.entry(c.request.name()).or_insert(0) += 1;
    }
    out
}

/// Whether the request changes the table.
pub fn writes(request: &Request) -> bool {
    matches!(
        request,
        Request::TransactWriteItems(_)
            | Request::UpdateItem(_)
            | Request::DeleteItem(_)
            | Request::PutItem(_)
            | Request::BatchWriteItem(_)
    )
}

/// Where the replay sends what.
#[derive(Debug, Clone)]
pub struct Tables {
    /// The table the handlers use: reads are replayed there.
    pub main: String,
    /// The twin that has received every write: writes are replayed there.
    pub twin: String,
}

/// What one replay took, and what its requests cost on demand (read and write request units
/// by DynamoDB's rules, from the sizes of the items read and written).
#[derive(Debug, Clone, Default)]
pub struct Replayed {
    pub elapsed: Duration,
    /// Of `elapsed`, the pause made where the handler waited longest (see [`replay`]).
    pub paused: Duration,
    /// Requests that failed in the replay although they succeeded for the handler.
    pub failed: u32,
    pub read_units: f64,
    pub write_units: f64,
}

fn rename(table: &mut String, tables: &Tables) {
    if *table == tables.main {
        table.clone_from(&tables.twin);
    }
}

/// The size of an item as DynamoDB bills it: each attribute's name and value.
pub fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.trim_start_matches('-').len().div_ceil(2) + 1,
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::Ss(v) => v.iter().map(String::len).sum(),
        AttributeValue::Ns(v) => v.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(v) => v.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(l) => 3 + l.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| 1 + k.len() + value_size(v)).sum::<usize>(),
        _ => 0,
    }
}

/// Read request units of a strongly (or eventually) consistent read of `bytes`: 1 per 4 KB,
/// at least 1; half for an eventually consistent read.
fn read_units(bytes: usize, consistent: Option<bool>) -> f64 {
    let units = bytes.div_ceil(4096).max(1) as f64;
    if consistent.unwrap_or(false) {
        units
    } else {
        units / 2.0
    }
}

/// Write request units of writing an item of `bytes`: 1 per KB, at least 1.
fn write_units(bytes: usize) -> f64 {
    bytes.div_ceil(1024).max(1) as f64
}

/// Sends one recorded request again. `stored` holds the size of every item a write targets as
/// it was before (for the units a write of it costs).
async fn send(client: &Client, request: &Request, tables: &Tables, stored: &Sizes) -> (Replayed, Option<String>) {
    let mut out = Replayed::default();
    let result = send_into(client, request, tables, stored, &mut out).await;
    (out, result.err())
}

/// `send`, adding what the request costs to `out`: a write's units even when its condition
/// fails (DynamoDB charges those too).
async fn send_into(
    client: &Client,
    request: &Request,
    tables: &Tables,
    stored: &Sizes,
    out: &mut Replayed,
) -> Result<(), String> {
    let before = |table: &str, key: &HashMap<String, AttributeValue>| {
        stored.get(&(table.to_string(), key_text(key))).copied().unwrap_or(0)
    };
    match request.clone() {
        Request::GetItem(i) => {
            let consistent = i.consistent_read;
            let r = client
                .get_item()
                .set_table_name(i.table_name)
                .set_key(i.key)
                .set_consistent_read(i.consistent_read)
                .set_projection_expression(i.projection_expression)
                .set_expression_attribute_names(i.expression_attribute_names)
                .set_attributes_to_get(i.attributes_to_get)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("GetItem: {e:?}"))?;
            out.read_units += read_units(r.item.as_ref().map(item_size).unwrap_or(0), consistent);
        }
        Request::BatchGetItem(i) => {
            let consistent = i
                .request_items
                .iter()
                .flatten()
                .any(|(_, k)| k.consistent_read == Some(true));
            let asked: usize = i.request_items.iter().flatten().map(|(_, k)| k.keys.len()).sum();
            let r = client
                .batch_get_item()
                .set_request_items(i.request_items)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("BatchGetItem: {e:?}"))?;
            let found: Vec<usize> = r
                .responses
                .iter()
                .flatten()
                .flat_map(|(_, items)| items.iter().map(item_size))
                .collect();
            out.read_units += found.iter().map(|&b| read_units(b, Some(consistent))).sum::<f64>()
                + read_units(0, Some(consistent)) * asked.saturating_sub(found.len()) as f64;
        }
        Request::Query(i) => {
            let consistent = i.consistent_read;
            let r = client
                .query()
                .set_table_name(i.table_name)
                .set_index_name(i.index_name)
                .set_select(i.select)
                .set_limit(i.limit)
                .set_consistent_read(i.consistent_read)
                .set_scan_index_forward(i.scan_index_forward)
                .set_exclusive_start_key(i.exclusive_start_key)
                .set_projection_expression(i.projection_expression)
                .set_filter_expression(i.filter_expression)
                .set_key_condition_expression(i.key_condition_expression)
                .set_expression_attribute_names(i.expression_attribute_names)
                .set_expression_attribute_values(i.expression_attribute_values)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("Query: {e:?}"))?;
            out.read_units += read_units(r.items.iter().flatten().map(item_size).sum(), consistent);
        }
        Request::TransactWriteItems(i) => {
            let mut items = i.transact_items.unwrap_or_default();
            // Transactional writes cost twice: 2 units per KB of each item written or checked.
            for item in &items {
                let bytes = match (&item.put, &item.update, &item.delete, &item.condition_check) {
                    (Some(p), _, _, _) => item_size(&p.item).max(before(&p.table_name, &key_of(&p.item))),
                    (_, Some(u), _, _) => before(&u.table_name, &u.key),
                    (_, _, Some(d), _) => before(&d.table_name, &d.key),
                    (_, _, _, Some(c)) => before(&c.table_name, &c.key),
                    _ => 0,
                };
                out.write_units += 2.0 * write_units(bytes);
            }
            for item in &mut items {
                if let Some(p) = item.put.as_mut() {
                    rename(&mut p.table_name, tables);
                }
                if let Some(u) = item.update.as_mut() {
                    rename(&mut u.table_name, tables);
                }
                if let Some(d) = item.delete.as_mut() {
                    rename(&mut d.table_name, tables);
                }
                if let Some(c) = item.condition_check.as_mut() {
                    rename(&mut c.table_name, tables);
                }
            }
            client
                .transact_write_items()
                .set_transact_items(Some(items))
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("TransactWriteItems: {e:?}"))?;
        }
        Request::UpdateItem(i) => {
            out.write_units += write_units(before(
                i.table_name.as_deref().unwrap_or(""),
                i.key.as_ref().unwrap_or(&HashMap::new()),
            ));
            let mut table = i.table_name.unwrap_or_default();
            rename(&mut table, tables);
            client
                .update_item()
                .table_name(table)
                .set_key(i.key)
                .set_update_expression(i.update_expression)
                .set_condition_expression(i.condition_expression)
                .set_expression_attribute_names(i.expression_attribute_names)
                .set_expression_attribute_values(i.expression_attribute_values)
                .set_return_values(i.return_values)
                .set_return_values_on_condition_check_failure(i.return_values_on_condition_check_failure)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("UpdateItem: {e:?}"))?;
        }
        Request::DeleteItem(i) => {
            out.write_units += write_units(before(
                i.table_name.as_deref().unwrap_or(""),
                i.key.as_ref().unwrap_or(&HashMap::new()),
            ));
            let mut table = i.table_name.unwrap_or_default();
            rename(&mut table, tables);
            client
                .delete_item()
                .table_name(table)
                .set_key(i.key)
                .set_condition_expression(i.condition_expression)
                .set_expression_attribute_names(i.expression_attribute_names)
                .set_expression_attribute_values(i.expression_attribute_values)
                .set_return_values(i.return_values)
                .set_return_values_on_condition_check_failure(i.return_values_on_condition_check_failure)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("DeleteItem: {e:?}"))?;
        }
        Request::PutItem(i) => {
            out.write_units += write_units(i.item.as_ref().map(item_size).unwrap_or(0));
            let mut table = i.table_name.unwrap_or_default();
            rename(&mut table, tables);
            client
                .put_item()
                .table_name(table)
                .set_item(i.item)
                .set_condition_expression(i.condition_expression)
                .set_expression_attribute_names(i.expression_attribute_names)
                .set_expression_attribute_values(i.expression_attribute_values)
                .set_return_values(i.return_values)
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("PutItem: {e:?}"))?;
        }
        Request::BatchWriteItem(i) => {
            out.write_units += i
                .request_items
                .iter()
                .flatten()
                .flat_map(|(_, w)| w.iter())
                .map(|w| {
                    w.put_request
                        .as_ref()
                        .map(|p| write_units(item_size(&p.item)))
                        .unwrap_or(1.0)
                })
                .sum::<f64>();
            let items = i
                .request_items
                .unwrap_or_default()
                .into_iter()
                .map(|(mut table, writes)| {
                    rename(&mut table, tables);
                    (table, writes)
                })
                .collect();
            client
                .batch_write_item()
                .set_request_items(Some(items))
                .set_return_consumed_capacity(i.return_consumed_capacity)
                .send()
                .await
                .map_err(|e| format!("BatchWriteItem: {e:?}"))?;
        }
        Request::Other(name) => return Err(format!("{name} cannot be replayed")),
    }
    Ok(())
}

/// Sizes of stored items by table and key.
pub type Sizes = HashMap<(String, String), usize>;

fn key_text(key: &HashMap<String, AttributeValue>) -> String {
    let mut parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    parts.sort();
    parts.join(",")
}

/// The table's key attributes of an item.
fn key_of(item: &HashMap<String, AttributeValue>) -> HashMap<String, AttributeValue> {
    item.iter()
        .filter(|(k, _)| *k == "pk" || *k == "sk")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The size of every item the calls' writes target, as it is in the twin now.
async fn stored_sizes(client: &Client, calls: &[Call], tables: &Tables) -> Sizes {
    let mut keys: Vec<(String, HashMap<String, AttributeValue>)> = Vec::new();
    for call in calls {
        match &call.request {
            Request::TransactWriteItems(t) => {
                for w in t.transact_items.iter().flatten() {
                    if let Some(p) = &w.put {
                        keys.push((p.table_name.clone(), key_of(&p.item)));
                    }
                    if let Some(u) = &w.update {
                        keys.push((u.table_name.clone(), u.key.clone()));
                    }
                    if let Some(d) = &w.delete {
                        keys.push((d.table_name.clone(), d.key.clone()));
                    }
                    if let Some(c) = &w.condition_check {
                        keys.push((c.table_name.clone(), c.key.clone()));
                    }
                }
            }
            Request::UpdateItem(u) => keys.push((
                u.table_name.clone().unwrap_or_default(),
                u.key.clone().unwrap_or_default(),
            )),
            Request::DeleteItem(d) => keys.push((
                d.table_name.clone().unwrap_or_default(),
                d.key.clone().unwrap_or_default(),
            )),
            _ => {}
        }
    }
    let mut sizes = Sizes::new();
    for (table, key) in keys {
        let mut twin = table.clone();
        rename(&mut twin, tables);
        let size = client
            .get_item()
            .table_name(twin)
            .set_key(Some(key.clone()))
            .consistent_read(true)
            .send()
            .await
            .ok()
            .and_then(|r| r.item)
            .map(|i| item_size(&i))
            .unwrap_or(0);
        sizes.insert((table, key_text(&key)), size);
    }
    sizes
}

/// A replayed call, which the calls that waited for it in the recording wait for too.
type Sent<'a> = Shared<BoxFuture<'a, (Replayed, Option<String>)>>;

/// Sends the recorded calls again, each once the calls it waited for are answered, and times it.
/// With `capacity`, first reads (untimed) the items the writes target, to price the writes.
/// With `pause`, runs it where the handler waited longest between its calls (an operation's own
/// computation, such as a password hash), so the replay is the operation less the handler
/// around it; the time it took is in [`Replayed::paused`] and in the elapsed time.
pub async fn replay(
    client: &Client,
    calls: &[Call],
    tables: &Tables,
    capacity: bool,
    pause: Option<&(dyn Fn() + Sync)>,
) -> Replayed {
    let mut total = Replayed::default();
    let stored = if capacity {
        stored_sizes(client, calls, tables).await
    } else {
        Sizes::new()
    };
    let mut calls = calls.to_vec();
    calls.sort_by_key(|c| c.start);
    let at = pause.map_or(calls.len(), |_| longest_wait(&calls));
    let (before, after) = calls.split_at(at.min(calls.len()));
    let start = Instant::now();
    let mut results = send_all(client, before, tables, &stored).await;
    if let Some(pause) = pause {
        let paused = Instant::now();
        pause();
        total.paused = paused.elapsed();
    }
    results.extend(send_all(client, after, tables, &stored).await);
    total.elapsed = start.elapsed();
    for (call, (r, error)) in calls.iter().zip(results) {
        total.read_units += r.read_units;
        total.write_units += r.write_units;
        match error {
            None => {}
            // The handler's request failed too (a condition that did not hold): expected.
            Some(_) if !call.ok => {}
            Some(e) => {
                total.failed += 1;
                tracing::warn!(error = %e, "a replayed request failed");
            }
        }
    }
    total
}

/// Sends calls (in the order they started), each once the calls it waited for are answered: a
/// handler that made two calls at once and a third after them is replayed the same way.
async fn send_all(client: &Client, calls: &[Call], tables: &Tables, stored: &Sizes) -> Vec<(Replayed, Option<String>)> {
    let mut sent: Vec<Sent<'_>> = Vec::new();
    for (call, waited) in calls.iter().zip(waits(calls)) {
        let before: Vec<_> = waited.iter().filter_map(|j| sent.get(*j).cloned()).collect();
        sent.push(
            async move {
                futures::future::join_all(before).await;
                send(client, &call.request, tables, stored).await
            }
            .boxed()
            .shared(),
        );
    }
    futures::future::join_all(sent).await
}

/// Where, in calls ordered by start, the handler waited longest with none under way: the index
/// of the call after that wait (the number of calls when there is none).
pub fn longest_wait(calls: &[Call]) -> usize {
    let mut ended: Option<Instant> = None;
    let mut best: Option<(Duration, usize)> = None;
    for (i, call) in calls.iter().enumerate() {
        if let Some(end) = ended
            && call.start > end
        {
            let wait = call.start.saturating_duration_since(end);
            if best.is_none_or(|(longest, _)| wait > longest) {
                best = Some((wait, i));
            }
        }
        ended = Some(ended.map_or(call.end, |e| e.max(call.end)));
    }
    best.map_or(calls.len(), |(_, i)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(start_ms: u64, end_ms: u64, origin: Instant) -> Call {
        Call {
            request: Request::Other("test"),
            start: origin + Duration::from_millis(start_ms),
            end: origin + Duration::from_millis(end_ms),
            attempts: 1,
            ok: true,
        }
    }

    #[test]
    fn a_call_waits_for_the_calls_that_had_ended_when_it_started() {
        let o = Instant::now();
        // Two at once, a third after the shorter one, a fourth after all.
        let calls = [call(0, 10, o), call(0, 4, o), call(5, 9, o), call(10, 12, o)];
        assert_eq!(waits(&calls), vec![vec![], vec![], vec![1], vec![0, 1, 2]]);
        assert_eq!(time_in_calls(&calls), Duration::from_millis(12));
        let apart = [call(0, 2, o), call(5, 6, o)];
        assert_eq!(time_in_calls(&apart), Duration::from_millis(3));
    }

    #[test]
    fn the_longest_wait_is_found_between_calls_none_of_which_is_under_way() {
        let o = Instant::now();
        // A sign-in: two reads at once, a hash, two writes at once; a short wait before.
        let calls = [
            call(0, 3, o),
            call(0, 1, o),
            call(1, 2, o),
            call(30, 32, o),
            call(30, 31, o),
        ];
        assert_eq!(longest_wait(&calls), 3);
        let overlapping = [call(0, 10, o), call(5, 20, o)];
        assert_eq!(longest_wait(&overlapping), 2, "no wait: nothing after");
        assert_eq!(longest_wait(&[call(0, 1, o), call(4, 5, o), call(6, 7, o)]), 1);
    }
}
