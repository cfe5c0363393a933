# Usage: python3 lat.py BINARY PORT  (see BENCHMARKS.md, "Robustness")
import json, sys, urllib.request, time, subprocess, threading
binary, port = sys.argv[1], int(sys.argv[2])
p = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
url = f"http://127.0.0.1:{port}/"
def call(op, data):
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810." + op, "x-amz-date": "20260101T000000Z",
        "authorization": "AWS4-HMAC-SHA256 Credential=a/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"})
    try: urllib.request.urlopen(req).read()
    except urllib.error.HTTPError as e: e.read()
call("CreateTable", json.dumps({"TableName": "mem", "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}], "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}).encode())
big = json.dumps({"TableName": "mem", "Item": {"pk": {"S": "big"}, "l": {"L": [{"NULL": True}] * 1000000}}}).encode()
sets = json.dumps({"TableName": "mem", "Key": {"pk": {"S": "s"}}, "UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": {"SS": [f"a{i}" for i in range(60000)]}}}).encode()
sets2 = json.dumps({"TableName": "mem", "Key": {"pk": {"S": "s"}}, "UpdateExpression": "ADD s :v", "ExpressionAttributeValues": {":v": {"SS": [f"b{i}" for i in range(60000)]}}}).encode()
call("UpdateItem", sets); t = time.time(); call("UpdateItem", sets2); print(f"ADD 60,000 strings to a 60,000-string set: {1000*(time.time()-t):.0f} ms")
t = time.time(); call("PutItem", big); heavy = time.time() - t; print(f"one 16 MB PutItem alone: {heavy*1000:.0f} ms")
done = []
def heavy_loop():
    for _ in range(3): call("PutItem", big)
    done.append(1)
ths = [threading.Thread(target=heavy_loop) for _ in range(2)]
for t in ths: t.start()
lat = []
while len(done) < 2:
    t = time.time(); call("ListTables", b"{}"); lat.append(time.time() - t); time.sleep(0.02)
lat.sort()
print(f"ListTables during 2 concurrent heavy PutItems: n={len(lat)} median {1000*lat[len(lat)//2]:.1f} ms, max {1000*lat[-1]:.1f} ms")
p.terminate()
