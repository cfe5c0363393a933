//! DeleteBackup: removes a backup at once (the answer describes it DELETED), unless a restore from
//! it is still making its table.

use std::sync::Arc;

use super::backups::{find_backup, restoring_from};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Backup;

pub struct Input {
    pub arn: String,
}

pub struct Output {
    pub backup: Arc<Backup>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let backup = find_backup(cx, &input.arn)?;
    if restoring_from(cx, &backup.arn).is_some() {
        return Err(Error::new(
            ErrorKind::BackupInUse,
            format!("Backup is being used to restore table: {}", input.arn),
        ));
    }
    let backup = cx
        .ns
        .store
        .remove_backup(&backup.arn)
        .ok_or_else(|| Error::new(ErrorKind::BackupNotFound, format!("Backup not found: {}", input.arn)))?;
    Ok(Output { backup })
}
