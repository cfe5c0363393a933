"""boto3 against the emulator, used as applications use it: the client for table set-up and
errors, the resource API (Table objects, batch writers, conditions builders) for data."""

from decimal import Decimal

import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from conftest import REGION


def create_orders_table(client, name):
    """Orders by customer and date, a GSI by status and an LSI by total."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order_date", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "total", "AttributeType": "N"},
        ],
        KeySchema=[
            {"AttributeName": "customer", "KeyType": "HASH"},
            {"AttributeName": "order_date", "KeyType": "RANGE"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_status",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "order_date", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["total"]},
            }
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by_total",
                "KeySchema": [
                    {"AttributeName": "customer", "KeyType": "HASH"},
                    {"AttributeName": "total", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    )
    client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05})


@pytest.fixture
def orders(client, resource, table_name):
    create_orders_table(client, table_name)
    table = resource.Table(table_name)
    with table.batch_writer() as batch:
        for customer, date, status, total in [
            ("ann", "2026-01-03", "shipped", 30),
            ("ann", "2026-01-01", "open", 120),
            ("ann", "2026-01-02", "shipped", Decimal("12.5")),
            ("bob", "2026-01-02", "open", 7),
        ]:
            batch.put_item(
                Item={"customer": customer, "order_date": date, "status": status, "total": total, "note": "x"}
            )
    yield table
    client.delete_table(TableName=table_name)


def test_tables_with_indexes_answer_queries_on_each_index(client, orders):
    described = client.describe_table(TableName=orders.name)["Table"]
    assert described["TableStatus"] == "ACTIVE"
    assert described["TableArn"] == f"arn:aws:dynamodb:{REGION}:000000000000:table/{orders.name}"
    assert [(i["IndexName"], i["IndexStatus"]) for i in described["GlobalSecondaryIndexes"]] == [
        ("by_status", "ACTIVE")
    ]
    assert described["ItemCount"] == 4

    shipped = orders.query(IndexName="by_status", KeyConditionExpression=Key("status").eq("shipped"))
    assert shipped["Items"] == [
        {"status": "shipped", "order_date": "2026-01-02", "customer": "ann", "total": Decimal("12.5")},
        {"status": "shipped", "order_date": "2026-01-03", "customer": "ann", "total": Decimal("30")},
    ]
    by_total = orders.query(
        IndexName="by_total",
        KeyConditionExpression=Key("customer").eq("ann") & Key("total").gte(20),
        ScanIndexForward=False,
    )
    assert by_total["Items"] == [
        {"customer": "ann", "order_date": "2026-01-01", "total": Decimal("120")},
        {"customer": "ann", "order_date": "2026-01-03", "total": Decimal("30")},
    ]
    with pytest.raises(ClientError) as err:
        orders.query(IndexName="by_status", KeyConditionExpression=Key("status").eq("open"), ConsistentRead=True)
    assert err.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "Consistent reads are not supported on global secondary indexes",
    }


def test_conditional_writes_refuse_with_dynamodbs_error_and_the_old_item(orders):
    key = {"customer": "ann", "order_date": "2026-01-01"}
    with pytest.raises(ClientError) as err:
        orders.put_item(
            Item={**key, "status": "new"},
            ConditionExpression=Attr("customer").not_exists(),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert err.value.response["Error"] == {
        "Code": "ConditionalCheckFailedException",
        "Message": "The conditional request failed",
    }
    assert err.value.response["Item"]["status"] == {"S": "open"}

    # Optimistic locking on a counter, as applications write it.
    orders.update_item(
        Key=key,
        UpdateExpression="SET revision = :one",
        ConditionExpression=Attr("revision").not_exists(),
        ExpressionAttributeValues={":one": 1},
    )
    updated = orders.update_item(
        Key=key,
        UpdateExpression="SET revision = revision + :one, #s = :s",
        ConditionExpression=Attr("revision").eq(1),
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":one": 1, ":s": "paid"},
        ReturnValues="UPDATED_NEW",
    )
    assert updated["Attributes"] == {"revision": Decimal("2"), "status": "paid"}
    with pytest.raises(orders.meta.client.exceptions.ConditionalCheckFailedException):
        orders.update_item(
            Key=key,
            UpdateExpression="SET revision = revision + :one",
            ConditionExpression=Attr("revision").eq(1),
            ExpressionAttributeValues={":one": 1},
        )
    assert orders.get_item(Key=key)["Item"]["revision"] == 2


def test_a_transaction_applies_all_or_nothing(client, orders):
    move = [
        {
            "Update": {
                "TableName": orders.name,
                "Key": {"customer": {"S": "bob"}, "order_date": {"S": "2026-01-02"}},
                "UpdateExpression": "SET #s = :s",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":s": {"S": "shipped"}},
            }
        },
        {
            "ConditionCheck": {
                "TableName": orders.name,
                "Key": {"customer": {"S": "ann"}, "order_date": {"S": "2026-01-01"}},
                "ConditionExpression": "#s = :open",
                "ExpressionAttributeNames": {"#s": "status"},
                "ExpressionAttributeValues": {":open": {"S": "cancelled"}},
            }
        },
    ]
    with pytest.raises(client.exceptions.TransactionCanceledException) as err:
        client.transact_write_items(TransactItems=move)
    assert err.value.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]"
    )
    assert err.value.response["CancellationReasons"] == [
        {"Code": "None"},
        {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"},
    ]
    assert orders.get_item(Key={"customer": "bob", "order_date": "2026-01-02"})["Item"]["status"] == "open"

    move[1]["ConditionCheck"]["ExpressionAttributeValues"][":open"] = {"S": "open"}
    client.transact_write_items(TransactItems=move)
    got = client.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": orders.name, "Key": {"customer": {"S": "bob"}, "order_date": {"S": "2026-01-02"}}}}
        ]
    )
    assert got["Responses"][0]["Item"]["status"] == {"S": "shipped"}


def test_paginators_walk_every_page(client, resource, table_name):
    create_orders_table(client, table_name)
    table = resource.Table(table_name)
    with table.batch_writer() as batch:
        for day in range(1, 26):
            status = "open" if day % 2 else "shipped"
            batch.put_item(Item={"customer": "c", "order_date": f"2026-02-{day:02}", "status": status, "total": day})

    pages = list(
        client.get_paginator("query").paginate(
            TableName=table_name,
            KeyConditionExpression="customer = :c",
            ExpressionAttributeValues={":c": {"S": "c"}},
            PaginationConfig={"PageSize": 10},
        )
    )
    assert [p["Count"] for p in pages] == [10, 10, 5]
    assert pages[0]["LastEvaluatedKey"] == {"customer": {"S": "c"}, "order_date": {"S": "2026-02-10"}}
    assert "LastEvaluatedKey" not in pages[-1]
    dates = [i["order_date"]["S"] for p in pages for i in p["Items"]]
    assert dates == [f"2026-02-{d:02}" for d in range(1, 26)]

    # Limit applies before the filter: a page may hold fewer matches than its size, or none.
    filtered = list(
        client.get_paginator("scan").paginate(
            TableName=table_name,
            FilterExpression="#s = :s",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":s": {"S": "shipped"}},
            PaginationConfig={"PageSize": 10},
        )
    )
    assert [(p["Count"], p["ScannedCount"]) for p in filtered] == [(5, 10), (5, 10), (2, 5)]

    # The resource API pages by hand with ExclusiveStartKey.
    seen, start = [], {}
    while True:
        page = table.query(KeyConditionExpression=Key("customer").eq("c"), Limit=7, **start)
        seen += [i["total"] for i in page["Items"]]
        if "LastEvaluatedKey" not in page:
            break
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}
    assert seen == list(range(1, 26))
    client.delete_table(TableName=table_name)


def test_ttl_deletes_expired_items_when_the_clock_passes_them(emulator, client, resource, table_name):
    client.create_table(
        TableName=table_name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    client.update_time_to_live(
        TableName=table_name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    assert client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "expires",
    }
    table = resource.Table(table_name)
    now = emulator.now()
    table.put_item(Item={"id": "soon", "expires": now + 60})
    table.put_item(Item={"id": "later", "expires": now + 3600})
    table.put_item(Item={"id": "never"})
    table.put_item(Item={"id": "not-a-number", "expires": str(now - 10)})

    assert emulator.sweep() == 0
    emulator.advance(61)
    # Expired but not yet deleted: still readable, as in DynamoDB.
    assert table.get_item(Key={"id": "soon"})["Item"]["expires"] == now + 60
    assert emulator.sweep() == 1
    assert "Item" not in table.get_item(Key={"id": "soon"})
    assert sorted(i["id"] for i in table.scan()["Items"]) == ["later", "never", "not-a-number"]
    emulator.advance(3600)
    assert emulator.sweep() == 1
    assert sorted(i["id"] for i in table.scan()["Items"]) == ["never", "not-a-number"]
    client.delete_table(TableName=table_name)
