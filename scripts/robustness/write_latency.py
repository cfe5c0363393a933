"""Sequential PutItem latency against a running emulator. Usage: write_latency.py PORT LABEL"""
import http.client, json, time, statistics, sys
H = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
     "Authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=x"}
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
def call(op, body):
    c.request("POST", "/", json.dumps(body), dict(H, **{"X-Amz-Target": "DynamoDB_20120810." + op})); r = c.getresponse(); r.read(); return r.status
call("CreateTable", {"TableName": "lat", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}], "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "BillingMode": "PAY_PER_REQUEST"})
lat = []
for i in range(1000):
    s = time.perf_counter(); st = call("PutItem", {"TableName": "lat", "Item": {"pk": {"S": f"lat-{i}"}, "name": {"S": "x"}}}); lat.append(time.perf_counter() - s); assert st == 200
lat.sort(); print(f"{sys.argv[2]}: PutItem median {statistics.median(lat)*1000:.3f} ms p99 {lat[990]*1000:.3f} ms")
