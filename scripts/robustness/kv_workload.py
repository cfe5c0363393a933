"""The redb/fjall comparison's workload (BENCHMARKS.md, "Durable mode") through the emulator: N puts of
VALUE_BYTES-byte values from one client, in groups of BATCH (PutItem for 1, else one BatchWriteItem, which
the durable log commits with one fsync). Usage: kv_workload.py PORT N VALUE_BYTES BATCH"""
import http.client, json, sys, time
port, n, vbytes, batch = (int(a) for a in sys.argv[1:5])
H = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
     "Authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x"}
c = http.client.HTTPConnection("127.0.0.1", port)
def call(op, body):
    c.request("POST", "/", json.dumps(body), dict(H, **{"X-Amz-Target": "DynamoDB_20120810." + op}))
    r = c.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{op}: {r.status} {data[:300]}")
table = f"kv{batch}"
call("CreateTable", {"TableName": table, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"})
val = "x" * vbytes
item = lambda i: {"pk": {"S": f"pk#{i:012}"}, "v": {"S": val}}
t0 = time.perf_counter()
for start in range(0, n, batch):
    if batch == 1:
        call("PutItem", {"TableName": table, "Item": item(start)})
    else:
        reqs = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + batch, n))]
        call("BatchWriteItem", {"RequestItems": {table: reqs}})
el = time.perf_counter() - t0
print(f"emulator groups n={n} v={vbytes} batch={batch}: {el:.3f} s, {n / el:.1f} puts/s")
