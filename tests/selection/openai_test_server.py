"""A stand-in for an OpenAI-compatible server, for the Ask-LLM tests: it answers
/v1/completions and /v1/chat/completions on 127.0.0.1 only, faithfully or with the faults real
servers show, according to markers in the prompt:

  GOOD-0.8     top log-probabilities with P(" yes") = 0.8, P(" no") = 0.2 (default 0.6)
  NOYES        top log-probabilities without "yes": " no" 0.6, " maybe" 0.1
  DELAY-50     the answer comes after 50 ms
  KEY-abc      401 unless the request carries "Authorization: Bearer abc"
  FAULT-k-n    the first n requests for this prompt fail with fault k (n = "all": every one),
               then it is answered as above. Faults:
                 timeout     the answer comes after --stall seconds
                 stall       headers and half the body, then nothing for --stall seconds
                 trunc       headers and half the body (Content-Length of all), then closes
                 reset       the connection is reset (RST) before any answer
                 rate        429 with Retry-After: 1        rate0   429 without Retry-After
                 500 502 503 those statuses (503 with Retry-After: 1)
                 401 404     those statuses (a missing key, an unknown model)
                 badjson     200 whose body is not JSON     halfjson  200, half the JSON
                 nologprobs  200 without logprobs           huge      200 of 2 MiB
  The markers of the first tests stay: RATE-x (429 once), FAIL500 (FAULT-500-all), SLOW
  (FAULT-timeout-all), BADJSON (FAULT-badjson-all).

With --chaos P, every request that has no FAULT marker gets, with probability P, one fault
drawn from those a client must survive (not 401/404); the draw is a hash of --seed, the prompt
and the request's number for that prompt, so a run is the same every time.

GET /stats answers {"requests", "in_flight_max", "attempts": {prompt: n}, "answered":
{prompt: n}, "times": {prompt: [seconds since start]}} with prompts cut to their document.

Prints "PORT PID" on its first line. Bounded: exits after --lifetime seconds (120) or
--max-requests requests (2000). Run with Debian's /usr/bin/python3 (stdlib only).
"""
import argparse
import hashlib
import json
import math
import os
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--chaos", type=float, default=0.0)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--stall", type=float, default=3.0)
parser.add_argument("--lifetime", type=float, default=120.0)
parser.add_argument("--max-requests", type=int, default=2000)
args = parser.parse_args()

CHAOS_FAULTS = ["timeout", "stall", "trunc", "reset", "rate", "rate0", "500", "502", "503",
                "badjson", "halfjson", "nologprobs", "huge"]
lock = threading.Lock()
started = time.monotonic()
served = [0]
in_flight = [0, 0]  # now, most ever
attempts, answered, times = {}, {}, {}


def top(p_yes):
    return {" yes": math.log(p_yes), " no": math.log(1 - p_yes)}


def document_of(prompt):
    """The document inside the Ask-LLM prompt ("###\\n<document>\\n###..."), for /stats."""
    match = re.match(r"###\n(.*?)\n###", prompt, re.S)
    return match.group(1) if match else prompt


def chaos_fault(prompt, attempt):
    digest = hashlib.sha256(f"{args.seed}:{attempt}:{prompt}".encode()).digest()
    draw, pick = struct.unpack("<QQ", digest[:16])
    if draw / 2**64 >= args.chaos:
        return None
    return CHAOS_FAULTS[pick % len(CHAOS_FAULTS)]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=(), length=None, cut=None):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data if cut is None else data[:cut])
        self.wfile.flush()

    def reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def do_GET(self):
        if self.path != "/stats":
            return self.send(404, {"error": "not found"})
        with lock:
            self.send(200, {"requests": served[0], "in_flight_max": in_flight[1],
                            "attempts": attempts, "answered": answered, "times": times})

    def do_POST(self):
        with lock:
            served[0] += 1
            if served[0] > args.max_requests:
                os._exit(0)
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        try:
            self.answer()
        finally:
            with lock:
                in_flight[0] -= 1

    def answer(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        chat = self.path.endswith("/chat/completions")
        prompt = request["messages"][0]["content"] if chat else request["prompt"]
        document = document_of(prompt)
        with lock:
            attempt = attempts.get(document, 0)
            attempts[document] = attempt + 1
            times.setdefault(document, []).append(round(time.monotonic() - started, 3))
        fault = None
        match = re.search(r"FAULT-(\w+)-(\d+|all)", prompt)
        if match:
            if match.group(2) == "all" or attempt < int(match.group(2)):
                fault = match.group(1)
        elif "FAIL500" in prompt:
            fault = "500"
        elif "SLOW" in prompt:
            fault = "timeout"
        elif "BADJSON" in prompt:
            fault = "badjson"
        elif "RATE" in prompt and attempt == 0:
            fault = "rate0"
        elif args.chaos > 0:
            fault = chaos_fault(prompt, attempt)
        match = re.search(r"KEY-(\w+)", prompt)
        if match and self.headers.get("Authorization") != "Bearer " + match.group(1):
            fault = "401"

        match = re.search(r"DELAY-(\d+)", prompt)
        if match:
            time.sleep(int(match.group(1)) / 1000)
        match = re.search(r"GOOD-([0-9.]+)", prompt)
        alternatives = top(float(match.group(1)) if match else 0.6)
        if "NOYES" in prompt:
            alternatives = {" no": math.log(0.6), " maybe": math.log(0.1)}
        if chat:
            content = [{"token": t, "logprob": lp} for t, lp in alternatives.items()]
            first = content[0]
            logprobs = {"content": [dict(first, top_logprobs=content)]}
            choice = {"index": 0, "message": {"role": "assistant", "content": first["token"]},
                      "logprobs": logprobs}
        else:
            logprobs = {"tokens": [next(iter(alternatives))], "top_logprobs": [alternatives]}
            choice = {"index": 0, "text": next(iter(alternatives)), "logprobs": logprobs}
        body = {"object": "text_completion", "model": request["model"], "choices": [choice]}
        full = json.dumps(body)

        if fault is None:
            with lock:
                answered[document] = answered.get(document, 0) + 1
            return self.send(200, full)
        if fault == "timeout":
            time.sleep(args.stall)
            return self.send(200, full)
        if fault == "stall":
            self.send(200, full, cut=len(full) // 2)
            time.sleep(args.stall)
            self.close_connection = True
            return
        if fault == "trunc":
            self.send(200, full, cut=len(full) // 2)
            self.close_connection = True
            return
        if fault == "reset":
            return self.reset()
        if fault == "rate":
            return self.send(429, {"error": "rate limited"}, [("Retry-After", "1")])
        if fault == "rate0":
            return self.send(429, {"error": "rate limited"})
        if fault == "503":
            return self.send(503, {"error": "overloaded"}, [("Retry-After", "1")])
        if fault in ("500", "502", "401", "404"):
            return self.send(int(fault), {"error": f"HTTP {fault}"})
        if fault == "badjson":
            return self.send(200, "{not json")
        if fault == "halfjson":
            return self.send(200, full[: len(full) // 2])
        if fault == "nologprobs":
            choice = dict(choice)
            del choice["logprobs"]
            return self.send(200, dict(body, choices=[choice]))
        if fault == "huge":
            return self.send(200, full + " " * (2 << 20))
        raise ValueError(f"unknown fault {fault}")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.handle_error = lambda request, address: None  # clients that hang up early
threading.Timer(args.lifetime, lambda: os._exit(0)).start()
print(server.server_address[1], os.getpid(), flush=True)
server.serve_forever()
