# Usage: python3 mem.py BINARY PORT  (see BENCHMARKS.md, "Robustness")
import json, sys, urllib.request, time, subprocess
port = int(sys.argv[2]); binary = sys.argv[1]
p = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
url = f"http://127.0.0.1:{port}/"
def call(op, body):
    data = json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810." + op, "x-amz-date": "20260101T000000Z",
        "authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    try:
        return urllib.request.urlopen(req).status, len(data)
    except urllib.error.HTTPError as e:
        return e.code, len(data)
def mem():
    d = {}
    for line in open(f"/proc/{p.pid}/status"):
        k, v = line.split(":", 1)
        if k in ("VmHWM", "VmRSS"): d[k] = int(v.split()[0]) // 1024
    return d
call("CreateTable", {"TableName": "mem", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
print("idle", mem())
big = {"TableName": "mem", "Item": {"pk": {"S": "big"}, "l": {"L": [{"NULL": True}] * 1000000}}}
st, size = call("PutItem", big)
print(f"1 x PutItem of {size/1e6:.1f} MB -> {st}", mem())
for _ in range(4): call("PutItem", big)
print("5 x", mem())
time.sleep(0.5)
def write_all(n):
    for i in range(0, n, 25):
        call("BatchWriteItem", {"RequestItems": {"mem": [{"PutRequest": {"Item": {"pk": {"S": f"k{j:08d}"}, "v": {"S": "x" * 80}}}} for j in range(i, i + 25)]}})
def delete_all(n):
    for i in range(0, n, 25):
        call("BatchWriteItem", {"RequestItems": {"mem": [{"DeleteRequest": {"Key": {"pk": {"S": f"k{j:08d}"}}}} for j in range(i, i + 25)]}})
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
t = time.time(); write_all(N); print(f"{N} items of ~100 B written ({time.time()-t:.0f}s)", mem())
delete_all(N); print("all deleted", mem())
write_all(N); print("written again", mem())
p.terminate()
