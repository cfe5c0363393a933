# Usage: python3 conn.py BINARY PORT  (see BENCHMARKS.md, "Robustness")
import socket, time, subprocess, sys, resource
binary, port = sys.argv[1], int(sys.argv[2])
p = subprocess.Popen([binary, "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
def conn():
    return socket.create_connection(("127.0.0.1", port))
half_headers = conn(); half_headers.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-")
half_body = conn(); half_body.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{\"a\"")
idle = conn(); idle.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"); idle.recv(4096)
start = time.time()
def closed(s):
    s.settimeout(0.1)
    try:
        return s.recv(65536) == b"" or closed(s)
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
state = {}
while time.time() - start < 40 and len(state) < 3:
    for name, s in [("half headers", half_headers), ("half body", half_body), ("idle keep-alive", idle)]:
        if name not in state and closed(s):
            state[name] = time.time() - start
    time.sleep(0.5)
print({k: round(v, 1) for k, v in state.items()})
p.terminate()
