//! DescribeBackup: a backup and the table it was taken of, as it was then.

use std::sync::Arc;

use super::backups::find_backup;
use super::Cx;
use crate::error::Result;
use crate::store::Backup;

pub struct Input {
    pub arn: String,
}

pub struct Output {
    pub backup: Arc<Backup>,
}

pub fn run(cx: &Cx, input: Input) -> Result<Output> {
    Ok(Output { backup: find_backup(cx, &input.arn)? })
}
