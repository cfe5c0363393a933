"""Loads N items into a running emulator (BatchWriteItem, 25 per request, T threads), then
prints the time taken. Usage: durable_load.py PORT N [T]"""
import http.client, json, sys, threading, time
port, n = int(sys.argv[1]), int(sys.argv[2]); threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
H = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
     "Authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x"}
def call(conn, op, body):
    conn.request("POST", "/", json.dumps(body), dict(H, **{"X-Amz-Target": "DynamoDB_20120810." + op}))
    r = conn.getresponse(); data = r.read()
    if r.status != 200: raise SystemExit(f"{op}: {r.status} {data[:300]}")
    return data
c = http.client.HTTPConnection("127.0.0.1", port)
try:
    call(c, "CreateTable", {"TableName": "bench", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}], "BillingMode": "PAY_PER_REQUEST"})
except SystemExit as e:
    print(e)
def item(i):
    return {"pk": {"S": f"user-{i // 100}"}, "sk": {"N": str(i % 100)}, "name": {"S": f"name {i}"}, "score": {"N": str(i * 7 % 1000)}, "tags": {"SS": ["a", "b"]}}
def worker(t):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for start in range(t * 25, n, 25 * threads):
        reqs = [{"PutRequest": {"Item": item(i)}} for i in range(start, min(start + 25, n))]
        call(conn, "BatchWriteItem", {"RequestItems": {"bench": reqs}})
t0 = time.time()
ts = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
[t.start() for t in ts]; [t.join() for t in ts]
print(f"loaded {n} items in {time.time() - t0:.1f}s")
