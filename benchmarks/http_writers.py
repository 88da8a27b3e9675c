"""The report of #11 item 13 over plain HTTP: clients posting and sharing school notes on Sara's
case while she withdraws, against a running server with the demo data (`make run`, or
`manage.py runserver --noreload` after `migrate` and `seed_demo`). Prints the answers by status;
a 500 (before the lock order of docs/architecture.md §3 "Locking": `deadlock detected`) fails.

    .venv/bin/python benchmarks/http_writers.py [--base http://127.0.0.1:8000] [--seconds 20]
"""

import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

SARA_CASE = "Sara - samarbeid rundt skole og helse"
WRITERS = ["helsesykepleier", "laerer", "bup", "helsesykepleier", "laerer"]  # + Sara withdrawing
RECIPIENT = {"helsesykepleier": "laerer", "laerer": "bup", "bup": "helsesykepleier"}


class Client:
    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base
        self.token = ""
        answer = self.call("POST", "/auth/token/", {"username": username, "password": password})
        self.token = answer[1]["token"]

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        request = urllib.request.Request(
            f"{self.base}/api/v1{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Token {self.token}"} if self.token else {}),
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            text = error.read()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, {"text": text[:200].decode(errors="replace")}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    sara = Client(args.base, "sara", args.password)
    cases = sara.call("GET", "/cases/")[1]["results"]
    case_id = next(c["id"] for c in cases if c["title"] == SARA_CASE)
    user_ids = {
        u: Client(args.base, u, args.password).call("GET", "/me/")[1]["id"] for u in RECIPIENT
    }
    answers: Counter = Counter()
    shared: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def count(kind: str, status: int) -> None:
        with lock:
            answers[(kind, status)] += 1

    def post_and_share(username: str) -> None:
        client = Client(args.base, username, args.password)
        n = 0
        while time.monotonic() < stop:
            n += 1
            status, entry = client.call(
                "POST",
                f"/cases/{case_id}/entries/",
                {"kind": "note", "category": "school", "title": f"Notat {n}", "body": "Tekst."},
            )
            count("post", status)
            if status == 201:
                recipient = user_ids[RECIPIENT[username]]
                status, result = client.call(
                    "POST", f"/entries/{entry['id']}/share/", {"recipients": [recipient]}
                )
                count("share", status)
                with lock:
                    shared.extend(d["id"] for d in result.get("disclosures", []))

    def withdraw() -> None:
        client = Client(args.base, "sara", args.password)
        while time.monotonic() < stop:
            with lock:
                disclosure = shared.pop() if shared else None
            if disclosure is None:
                time.sleep(0.05)
                continue
            status, _ = client.call("POST", f"/disclosures/{disclosure}/withdraw/", {})
            count("withdraw", status)

    threads = [threading.Thread(target=post_and_share, args=(u,)) for u in WRITERS]
    threads.append(threading.Thread(target=withdraw))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for (kind, status), number in sorted(answers.items()):
        print(f"{kind:>9} {status}: {number}")
    sys.exit(1 if any(status >= 500 for _, status in answers) else 0)


if __name__ == "__main__":
    main()
