# Usage: python3 item_mem.py BINARY PORT [N]  (see BENCHMARKS.md, "Memory per item")
# Resident memory of the binary before and after writing N items of about 100 bytes to a table
# with a GSI over every item, and after a snapshot plus a rewrite of every item (the worst case
# for a snapshot: nothing shared any more).
import json, sys, urllib.request, subprocess
binary, port = sys.argv[1], int(sys.argv[2])
N = int(sys.argv[3]) if len(sys.argv) > 3 else 200000
p = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
url = f"http://127.0.0.1:{port}/"
def call(op, body, path="", method="POST"):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method=method,
        headers={"content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810." + op, "x-amz-date": "20260101T000000Z",
        "authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    return urllib.request.urlopen(req).status
def rss():
    for line in open(f"/proc/{p.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
def write_all(tag):
    for i in range(0, N, 25):
        call("BatchWriteItem", {"RequestItems": {"mem": [{"PutRequest": {"Item": {"pk": {"S": f"k{j:08d}"}, "g": {"S": f"g{j % 1000}"}, "v": {"S": tag * 70}}}} for j in range(i, i + 25)]}})
call("CreateTable", {"TableName": "mem", "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [{"IndexName": "byG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}]})
base = rss()
write_all("x")
full = rss()
print(f"{N} items: {(full - base) / N:.0f} bytes per item (RSS {base >> 20} -> {full >> 20} MB)")
try:
    call("", {}, "_emulator/snapshots/s", "PUT")
    write_all("y")
    print(f"after a snapshot and a rewrite of every item: RSS {rss() >> 20} MB")
except urllib.error.HTTPError as e:
    print("no snapshots on this binary:", e.code)
p.terminate()
