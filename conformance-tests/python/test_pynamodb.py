"""PynamoDB against the emulator, through its models as applications declare them: a model with a
global index, a version attribute (optimistic locking) and a TTL attribute."""

import uuid
from datetime import datetime, timezone

import pytest
from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import (
    CancellationReason,
    DoesNotExist,
    PutError,
    TableDoesNotExist,
    TableError,
    TransactWriteError,
    UpdateError,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from conftest import CREDENTIALS, REGION


def connection_settings(emulator):
    return {"host": emulator.url, "region": REGION, **CREDENTIALS}


@pytest.fixture
def User(emulator):
    """A users model on a table of its own, created and deleted around the test."""

    class ByEmail(GlobalSecondaryIndex):
        class Meta:
            index_name = "by_email"
            projection = AllProjection()

        email = UnicodeAttribute(hash_key=True)

    class User(Model):
        class Meta:
            table_name = f"py-users-{uuid.uuid4()}"
            billing_mode = "PAY_PER_REQUEST"
            host = emulator.url
            region = REGION
            aws_access_key_id = CREDENTIALS["aws_access_key_id"]
            aws_secret_access_key = CREDENTIALS["aws_secret_access_key"]

        org = UnicodeAttribute(hash_key=True)
        name = UnicodeAttribute(range_key=True)
        email = UnicodeAttribute()
        credits = NumberAttribute(default=0)
        version = VersionAttribute()
        session_expires = TTLAttribute(null=True)
        by_email = ByEmail()

    User.create_table(wait=True)
    yield User
    User.delete_table()


def test_a_model_saves_loads_and_queries_its_index(User):
    User("acme", "ann", email="ann@acme.test", credits=5).save()
    User("acme", "bob", email="bob@acme.test").save()
    ann = User.get("acme", "ann")
    assert (ann.email, ann.credits, ann.version) == ("ann@acme.test", 5, 1)
    assert [u.name for u in User.by_email.query("bob@acme.test")] == ["bob"]
    assert User.count("acme") == 2
    with pytest.raises(DoesNotExist):
        User.get("acme", "carl")


def test_conditional_saves_and_the_version_attribute_refuse_stale_writes(User):
    User("acme", "ann", email="ann@acme.test").save()
    with pytest.raises(PutError) as err:
        User("acme", "ann", email="other@acme.test").save(condition=User.name.does_not_exist())
    assert err.value.cause_response_code == "ConditionalCheckFailedException"
    assert err.value.cause_response_message == "The conditional request failed"

    first, second = User.get("acme", "ann"), User.get("acme", "ann")
    first.update(actions=[User.credits.add(10)])
    assert (first.credits, first.version) == (10, 2)
    with pytest.raises(UpdateError) as err:
        second.update(actions=[User.credits.add(1)])
    assert err.value.cause_response_code == "ConditionalCheckFailedException"
    fresh = User.get("acme", "ann")
    assert (fresh.credits, fresh.version) == (10, 2)


def test_a_transaction_writes_all_or_nothing(emulator, User):
    User("acme", "ann", email="ann@acme.test", credits=10).save()
    connection = Connection(**connection_settings(emulator))
    with pytest.raises(TransactWriteError) as err:
        with TransactWrite(connection=connection) as tx:
            tx.save(User("acme", "bob", email="bob@acme.test", credits=3))
            tx.condition_check(User, "acme", "ann", condition=User.credits >= 100)
    assert err.value.cause_response_code == "TransactionCanceledException"
    # PynamoDB sends condition checks first, then deletes, puts and updates.
    assert err.value.cancellation_reasons == [
        CancellationReason(code="ConditionalCheckFailed", message="The conditional request failed"),
        None,
    ]
    with pytest.raises(DoesNotExist):
        User.get("acme", "bob")

    with TransactWrite(connection=connection) as tx:
        tx.save(User("acme", "bob", email="bob@acme.test", credits=3))
        tx.update(User.get("acme", "ann"), actions=[User.credits.add(-3)])
    assert (User.get("acme", "bob").credits, User.get("acme", "ann").credits) == (3, 7)


def test_queries_page_through_results(User):
    for i in range(8):
        User("acme", f"user{i}", email=f"u{i}@acme.test", credits=i).save()
    everyone = User.query("acme", page_size=3)
    assert [u.name for u in everyone] == [f"user{i}" for i in range(8)]
    assert everyone.last_evaluated_key is None

    first = User.query("acme", limit=5, page_size=3)
    assert [u.credits for u in first] == [0, 1, 2, 3, 4]
    assert first.last_evaluated_key == {"org": {"S": "acme"}, "name": {"S": "user4"}}
    rest = User.query("acme", last_evaluated_key=first.last_evaluated_key)
    assert [u.credits for u in rest] == [5, 6, 7]

    rich = User.query("acme", filter_condition=User.credits >= 6, page_size=3)
    assert [u.name for u in rich] == ["user6", "user7"]


def test_ttl_attributes_expire_with_the_emulators_clock(emulator, User):
    # create_table enabled TTL on the model's TTLAttribute; a second enabling is refused as in DynamoDB.
    with pytest.raises(TableError) as err:
        User.update_ttl(ignore_update_ttl_errors=False)
    assert err.value.cause_response_message == "TimeToLive is already enabled"
    now = emulator.now()
    in_a_minute = datetime.fromtimestamp(now + 60, tz=timezone.utc)
    User("acme", "guest", email="guest@acme.test", session_expires=in_a_minute).save()
    User("acme", "member", email="member@acme.test").save()
    assert User.get("acme", "guest").session_expires == in_a_minute

    emulator.advance(59)
    assert emulator.sweep() == 0
    emulator.advance(2)
    assert emulator.sweep() == 1
    with pytest.raises(DoesNotExist):
        User.get("acme", "guest")
    assert User.get("acme", "member").session_expires is None


def test_a_table_is_found_only_through_its_own_region(emulator):
    # As PynamoDB's own integration tests expect: tables live per region, as on AWS.
    name = f"py-regions-{uuid.uuid4()}"
    east2 = Connection(**{**connection_settings(emulator), "region": "us-east-2"})
    east1 = Connection(**connection_settings(emulator))
    east2.create_table(
        name,
        attribute_definitions=[{"attribute_name": "id", "attribute_type": "S"}],
        key_schema=[{"attribute_name": "id", "key_type": "HASH"}],
        billing_mode="PAY_PER_REQUEST",
    )
    try:
        arn = east2.describe_table(name)["TableArn"]
        assert arn == f"arn:aws:dynamodb:us-east-2:000000000000:table/{name}"
        with pytest.raises(TableDoesNotExist) as err:
            east1.describe_table(name)
        assert str(err.value) == f"Table does not exist: `Requested resource not found: Table: {name} not found`"
        assert name not in east1.list_tables()["TableNames"]
    finally:
        east2.delete_table(name)
