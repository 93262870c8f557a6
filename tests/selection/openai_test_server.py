"""A stand-in for an OpenAI-compatible server, for the Ask-LLM tests: it answers
/v1/completions and /v1/chat/completions on 127.0.0.1 only, and behaves according to a
marker in the prompt:

  GOOD-0.8   top log-probabilities with P(" yes") = 0.8, P(" no") = 0.2
  RATE-x     429 on the first request for that prompt, then like GOOD-0.6
  FAIL500    always HTTP 500
  SLOW       answers after 3 s (longer than the tests' timeouts)
  NOYES      top log-probabilities without "yes": " no" 0.6, " maybe" 0.1
  BADJSON    a 200 whose body is not JSON

Prints "PORT PID" on its first line. Bounded: exits after 120 s or 2000 requests.
Run with Debian's /usr/bin/python3 (stdlib only).
"""
import json
import math
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seen = {}
lock = threading.Lock()
served = [0]


def top(p_yes):
    return {" yes": math.log(p_yes), " no": math.log(1 - p_yes)}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        with lock:
            served[0] += 1
            if served[0] > 2000:
                os._exit(0)
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        chat = self.path.endswith("/chat/completions")
        prompt = request["messages"][0]["content"] if chat else request["prompt"]
        if "FAIL500" in prompt:
            return self.reply(500, {"error": "internal"})
        if "BADJSON" in prompt:
            return self.reply(200, "{not json")
        if "SLOW" in prompt:
            time.sleep(3)
        if "RATE" in prompt:
            with lock:
                seen[prompt] = seen.get(prompt, 0) + 1
                first = seen[prompt] == 1
            if first:
                return self.reply(429, {"error": "rate limited"})
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
        self.reply(200, {"object": "text_completion", "model": request["model"],
                         "choices": [choice]})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
server.handle_error = lambda request, address: None  # clients that hang up early
threading.Timer(120, lambda: os._exit(0)).start()
print(server.server_address[1], os.getpid(), flush=True)
server.serve_forever()
