//! RestoreTableFromBackup: a new table made from a backup's definition (with the request's
//! overrides) and data. It answers CREATING with a RestoreSummary, as DynamoDB does; the table is
//! CREATING for the engine's transient delay (none by default), and the backup feeds no other
//! restore meanwhile.

use super::answer::TableDescription;
use super::backups::{create_restored, find_backup, restored_def, restoring_from, Overrides};
use super::Cx;
use crate::error::{Error, ErrorKind, Result};
use crate::model::RestoredFrom;

pub struct Input {
    pub target: String,
    pub backup_arn: String,
    pub overrides: Overrides,
}

pub struct Output {
    pub table: TableDescription,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    let backup = find_backup(cx, &input.backup_arn)?;
    if restoring_from(cx, &backup.arn).is_some() {
        return Err(Error::new(
            ErrorKind::BackupInUse,
            format!("Backup is being used to restore another table: {}", input.backup_arn),
        ));
    }
    let from = RestoredFrom {
        backup_arn: Some(backup.arn.clone()),
        table_arn: backup.def.arn.clone(),
        at_millis: backup.created_millis,
    };
    let def = restored_def(cx, &backup.def, &input.target, input.overrides, from)?;
    let table = create_restored(cx, &backup.def, def, &backup.data)?;
    Ok(Output { table })
}
