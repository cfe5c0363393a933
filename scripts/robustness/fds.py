# Usage: python3 fds.py BINARY PORT  (see BENCHMARKS.md, "Robustness")
import socket, time, subprocess, sys, resource
binary, port = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_NOFILE, (4096, 4096))
p = subprocess.Popen(["sh", "-c", f"ulimit -n 1024; exec {binary} --port {port}"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
p.stdout.readline()
held = []
for _ in range(1100):
    try:
        held.append(socket.create_connection(("127.0.0.1", port), timeout=5))
    except OSError as e:
        print("connect failed:", e); break
time.sleep(1)
start = time.time()
while True:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.settimeout(2)
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        if s.recv(100).startswith(b"HTTP/1.1 200"):
            print(f"held {len(held)} idle connections; new client answered after {time.time()-start:.1f}s; emulator alive: {p.poll() is None}")
            break
    except OSError:
        pass
    if time.time() - start > 90:
        print("no answer in 90s"); break
p.terminate()
