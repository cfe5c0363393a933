//! Contributor Insights settings on tables and global indexes, as AWS answered them in October
//! 2026 (FIDELITY.md, "Contributor Insights").

use std::time::{Duration, UNIX_EPOCH};

use aws_sdk_dynamodb::types::{
    ContributorInsightsAction as Action, ContributorInsightsMode as Mode, ContributorInsightsStatus as Status,
};
use aws_sdk_dynamodb::Client;
use dynamodb_emulator::Emulator;

use crate::support::{create_with_gsi, error, on_manual_clock, validation};

/// Status, mode and rule list as DescribeContributorInsights gives them.
async fn described(c: &Client, index: Option<&str>) -> (Option<Status>, Option<Mode>, Vec<String>) {
    let out = c
        .describe_contributor_insights()
        .table_name("tbl")
        .set_index_name(index.map(str::to_owned))
        .send()
        .await
        .unwrap();
    (
        out.contributor_insights_status,
        out.contributor_insights_mode,
        out.contributor_insights_rule_list.unwrap_or_default(),
    )
}

async fn update(c: &Client, index: Option<&str>, action: Action, mode: Option<Mode>) -> (Option<Status>, Option<Mode>) {
    let out = c
        .update_contributor_insights()
        .table_name("tbl")
        .set_index_name(index.map(str::to_owned))
        .contributor_insights_action(action)
        .set_contributor_insights_mode(mode)
        .send()
        .await
        .unwrap();
    (out.contributor_insights_status, out.contributor_insights_mode)
}

#[tokio::test]
async fn insights_are_set_per_table_and_index_and_named_by_their_rules() {
    // 2023-11-14 22:13:20 UTC.
    const T0: u64 = 1_700_000_000;
    let (emu, c) = on_manual_clock(T0).await;
    create_with_gsi(&c, "tbl").await;
    assert_eq!(described(&c, None).await, (Some(Status::Disabled), None, vec![]));
    // Disabling what was never on is a no-op.
    assert_eq!(
        update(&c, None, Action::Disable, None).await,
        (Some(Status::Disabled), None)
    );

    let all = Some(Mode::AccessedAndThrottledKeys);
    assert_eq!(
        update(&c, None, Action::Enable, None).await,
        (Some(Status::Enabling), all.clone())
    );
    let rule = |kind: &str, resource: &str, at: u64| format!("DynamoDBContributorInsights-{kind}-{resource}-{at}000");
    assert_eq!(
        described(&c, None).await,
        (
            Some(Status::Enabled),
            all.clone(),
            vec![rule("PKC", "tbl", T0), rule("PKT", "tbl", T0)]
        )
    );
    // The same mode again changes nothing; another mode keeps the rules' time.
    assert_eq!(
        update(&c, None, Action::Enable, all.clone()).await,
        (Some(Status::Enabled), all.clone())
    );
    emu.advance(Duration::from_secs(5));
    let throttled = Some(Mode::ThrottledKeys);
    assert_eq!(
        update(&c, None, Action::Enable, throttled.clone()).await,
        (Some(Status::Enabling), throttled.clone())
    );
    assert_eq!(
        described(&c, None).await,
        (Some(Status::Enabled), throttled.clone(), vec![rule("PKT", "tbl", T0)])
    );

    assert_eq!(
        update(&c, Some("by_group"), Action::Enable, None).await,
        (Some(Status::Enabling), all.clone())
    );
    assert_eq!(
        described(&c, Some("by_group")).await,
        (
            Some(Status::Enabled),
            all.clone(),
            vec![rule("PKC", "tbl-by_group", T0 + 5), rule("PKT", "tbl-by_group", T0 + 5)]
        )
    );
    let listed = c.list_contributor_insights().send().await.unwrap();
    let summaries: Vec<_> = listed
        .contributor_insights_summaries
        .unwrap()
        .into_iter()
        .map(|s| (s.index_name, s.contributor_insights_status, s.contributor_insights_mode))
        .collect();
    assert_eq!(
        summaries,
        [
            (None, Some(Status::Enabled), throttled.clone()),
            (Some("by_group".into()), Some(Status::Enabled), all.clone())
        ]
    );
    // A DISABLE echoes the mode in force, not the one sent; the table leaves the list.
    assert_eq!(
        update(&c, None, Action::Disable, all.clone()).await,
        (Some(Status::Disabling), throttled.clone())
    );
    assert_eq!(described(&c, None).await, (Some(Status::Disabled), throttled, vec![]));
    let listed = c.list_contributor_insights().table_name("tbl").send().await.unwrap();
    assert_eq!(listed.contributor_insights_summaries.unwrap().len(), 1);

    let unknown = c
        .describe_contributor_insights()
        .table_name("tbl")
        .index_name("nope")
        .send()
        .await;
    assert_eq!(
        error(unknown.unwrap_err()),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Index: nope not found for table: tbl".into()
        )
    );
    let missing = c.list_contributor_insights().table_name("none").send().await;
    assert_eq!(
        error(missing.unwrap_err()),
        (
            "ResourceNotFoundException".into(),
            "Requested resource not found: Table: none not found".into()
        )
    );
}

#[tokio::test]
async fn insights_wait_for_an_active_table() {
    let emu = Emulator::builder()
        .manual_clock(UNIX_EPOCH + Duration::from_secs(1_700_000_000))
        .delay_transient_statuses(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let c = emu.client();
    create_with_gsi(&c, "tbl").await;
    let enable = c
        .update_contributor_insights()
        .table_name("tbl")
        .contributor_insights_action(Action::Enable);
    assert_eq!(
        error(enable.clone().send().await.unwrap_err()),
        validation("Table or Index is not in a valid state to update Key Access Insights: TableStatus must be ACTIVE to enable ContributorInsights.")
    );
    emu.advance(Duration::from_secs(2));
    assert_eq!(
        enable.send().await.unwrap().contributor_insights_status,
        Some(Status::Enabling)
    );
}
