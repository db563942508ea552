"""Requests racing over HTTP against the live test server: each from its own thread and connection."""

import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass


@dataclass
class Answer:
    status_code: int
    text: str

    def json(self):
        return json.loads(self.text)


def send(url: str, headers: dict, *, method: str = "POST", body: bytes | None = None) -> Answer:
    """One request; an error status is an answer like any other."""
    data = body if body is not None else (b"" if method == "POST" else None)
    request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310 (our live server)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return Answer(response.status, response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read().decode())


def race(
    url: str, requests: list[tuple[str, dict]], *, method: str = "POST", body: bytes | None = None
) -> list[Answer]:
    """Send every (path, headers) request at the same moment; the answers in the same order."""
    barrier = threading.Barrier(len(requests))
    answers: list[Answer | BaseException | None] = [None] * len(requests)

    def run(index, path, headers):
        barrier.wait(timeout=30)
        try:
            answers[index] = send(url + path, headers, method=method, body=body)
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i, path, headers)) for i, (path, headers) in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(isinstance(answer, Answer) for answer in answers), answers
    return answers
