//! CreateBackup: freezes a table's definition and data as an on-demand backup. DynamoDB answers
//! CREATING and is AVAILABLE moments later; here the backup is whole at once, and only this answer
//! says CREATING.

use std::sync::Arc;

use super::backups::backup_arn;
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{Backup, Status};

pub struct Input {
    /// A table name or ARN.
    pub table: String,
    pub name: String,
}

pub struct Output {
    pub backup: Arc<Backup>,
}

pub fn run(cx @ &Cx { now_millis, .. }: &Cx, input: Input) -> Result<Output> {
    let name = super::tables::name_in(cx, &input.table)?;
    // A table still CREATING is not found, as DynamoDB words it; one DELETING can be backed up.
    let table = cx
        .ns
        .store
        .table_or_deleting(name, now_millis)
        .filter(|t| t.status(now_millis) != Status::Creating)
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, format!("Table not found: {name}")))?;
    let state = table.state.read();
    let def = &state.def;
    let backup = (0..)
        .find_map(|salt| {
            let arn = backup_arn(def, &input.name, now_millis, salt);
            let backup = Backup::new(arn, input.name.clone(), now_millis, def.as_ref().clone(), &state.data);
            cx.ns.store.add_backup(backup)
        })
        .ok_or_else(|| Error::internal("no backup ARN is free"))?;
    Ok(Output { backup })
}
