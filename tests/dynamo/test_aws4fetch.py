"""A worker written with aws4fetch (the SigV4 client Workers code uses), imported from a
``node_modules`` built at test time, talks to the emulated DynamoDB endpoints of a network: its
requests are signed, verified and answered locally (never leaving the machine)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import edgert
from edgert.dynamo import GlobalTables

LIB = Path(__file__).resolve().parents[3] / "shared/data/workers-examples/libs/aws4fetch"

pytestmark = pytest.mark.skipif(not LIB.is_dir(), reason="needs ../shared/data beside the checkout")

WORKER = """
import { AwsClient } from 'aws4fetch';

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const region = url.searchParams.get('region');
    const aws = new AwsClient({ accessKeyId: env.AWS_KEY, secretAccessKey: url.searchParams.get('secret') || env.AWS_SECRET,
                                service: 'dynamodb', region });
    const call = async (op, body) => {
      const r = await aws.fetch(`https://dynamodb.${region}.amazonaws.com/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': `DynamoDB_20120810.${op}` },
        body: JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    };
    const key = { pk: { S: 'u1' }, sk: { S: 'profile' } };
    if (url.pathname === '/write') {
      return Response.json([
        await call('PutItem', { TableName: 'users', Item: { ...key, name: { S: url.searchParams.get('name') } },
                                ConditionExpression: 'attribute_not_exists(pk)' }),
        await call('UpdateItem', { TableName: 'users', Key: key, UpdateExpression: 'ADD visits :one',
                                   ExpressionAttributeValues: { ':one': { N: '1' } }, ReturnValues: 'UPDATED_NEW' }),
      ]);
    }
    return Response.json([
      await call('GetItem', { TableName: 'users', Key: key }),
      await call('Query', { TableName: 'users', KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
                            ExpressionAttributeValues: { ':p': { S: 'u1' }, ':s': { S: 'pro' } } }),
    ]);
  },
};
"""


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    shutil.copytree(LIB, tmp_path / "node_modules" / "aws4fetch")
    for p in (tmp_path / "node_modules").rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text(WORKER)
    return tmp_path


def network(project: Path) -> tuple[edgert.Network, GlobalTables]:
    tables = GlobalTables(credentials={"AKIDTEST": "secret-test"})
    tables.create("users", regions=["us-east-1", "eu-central-1"], hash_key="pk", range_key="sk")
    worker = edgert.Worker.from_project(
        project / "src" / "index.js",
        root=project,
        vars={"AWS_KEY": "AKIDTEST", "AWS_SECRET": "secret-test"},
    )
    net = edgert.Network(
        ["FRA", "IAD"],
        origin=edgert.Origin(handler=lambda r: "origin"),
        workers={"app": worker},
        routes=[("app.example/*", "app")],
        dynamo=tables,
        internet=lambda r: pytest.fail(f"left the machine: {r.url}"),  # type: ignore[arg-type]
    )
    return net, tables


def test_aws4fetch_worker_against_emulated_endpoints(project: Path) -> None:
    net, tables = network(project)
    r = net.fetch_sync("https://app.example/write?region=eu-central-1&name=Ada", client="Paris")
    assert r.status == 200, r.text()
    put, update = r.json()
    assert put == {"status": 200, "body": {}}
    assert update == {"status": 200, "body": {"Attributes": {"visits": {"N": "1"}}}}
    # A second conditional put fails with DynamoDB's error shape.
    r = net.fetch_sync("https://app.example/write?region=eu-central-1&name=Bob", client="Paris")
    put, _ = r.json()
    assert put["status"] == 400
    assert (
        put["body"]["__type"] == "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
    )

    get, query = net.fetch_sync(
        "https://app.example/read?region=eu-central-1", client="Paris"
    ).json()
    assert get["body"]["Item"]["name"] == {"S": "Ada"} and get["body"]["Item"]["visits"] == {
        "N": "2"
    }
    assert query["body"]["Count"] == 1
    # us-east-1 sees the item once replication (eu-central-1 -> us-east-1) has happened.
    net.run(until=net.now() + 5)
    get, _ = net.fetch_sync("https://app.example/read?region=us-east-1", client="New York").json()
    assert get["body"]["Item"]["name"] == {"S": "Ada"}
    assert tables.table("users").metrics()["writes"] == 3


def test_a_wrong_secret_is_refused(project: Path) -> None:
    net, _ = network(project)
    r = net.fetch_sync(
        "https://app.example/write?region=eu-central-1&name=Ada&secret=nope", client="Paris"
    )
    put, _ = r.json()
    assert put["status"] == 400
    assert put["body"]["__type"] == "com.amazon.coral.service#InvalidSignatureException"


def test_the_leg_to_a_far_region_costs_its_round_trip(project: Path) -> None:
    net, _ = network(project)
    near = net.fetch_sync("https://app.example/read?region=eu-central-1", client="Paris")
    far = net.fetch_sync("https://app.example/read?region=us-east-1", client="Paris")
    # Two calls each; Frankfurt -> Virginia is ~90 ms a round trip, Frankfurt -> Frankfurt ~1.
    assert far.trace.total_ms - near.trace.total_ms > 2 * 60


def test_wrangler_project_declares_tables(project: Path) -> None:
    from edgert.config import build_network, load_config

    (project / "wrangler.toml").write_text(
        'name = "dyn"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n'
        '[vars]\nAWS_KEY = "AKIDDEV"\n'
        "[edgert.dynamo]\nlag_ms = 50\n"
        "[edgert.dynamo.tables.users]\n"
        'regions = ["eu-central-1", "us-east-1"]\nhash_key = "pk"\nrange_key = "sk"\n'
    )
    # The worker's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are the credentials by default.
    (project / ".dev.vars").write_text(
        "AWS_ACCESS_KEY_ID=AKIDDEV\nAWS_SECRET_ACCESS_KEY=dev-secret\nAWS_SECRET=dev-secret\n"
    )
    config = load_config(project)
    assert config.edgert.dynamo is not None
    assert [t.name for t in config.edgert.dynamo.tables] == ["users"]
    net = build_network(config)
    r = net.fetch_sync("https://app.example/write?region=eu-central-1&name=Ada", client="Paris")
    assert r.json()[0] == {"status": 200, "body": {}}
    assert net.dynamo is not None and net.dynamo.table("users").writes == 2


def test_wrangler_dynamo_errors_name_the_key(project: Path) -> None:
    from edgert.config import load_config
    from edgert.config.errors import ConfigFileError

    (project / "wrangler.toml").write_text(
        'name = "dyn"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n'
        '[edgert.dynamo.tables.users]\nregions = ["mars-1"]\nhash_key = "pk"\n'
    )
    with pytest.raises(ConfigFileError, match=r"edgert\.dynamo.*unknown AWS region 'mars-1'"):
        load_config(project)
