"""Reading what search engines read in a page: head tags and JSON-LD, as a crawler's parser would."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Head:
    meta: dict[str, str] = field(default_factory=dict)  # name or property → content
    links: list[dict[str, str]] = field(default_factory=list)
    json_ld: list[dict] = field(default_factory=list)  # each ld+json script, parsed with json.loads
    scripts: int = 0  # every <script> element in the page

    def link(self, rel: str, hreflang: str | None = None) -> str | None:
        for attrs in self.links:
            if attrs.get("rel") == rel and (hreflang is None or attrs.get("hreflang") == hreflang):
                return attrs.get("href")
        return None

    def hreflangs(self) -> dict[str, str]:
        return {a["hreflang"]: a["href"] for a in self.links if a.get("rel") == "alternate" and "hreflang" in a}


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.head = Head()
        self._in_ld = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.head.meta.setdefault(attrs.get("name") or attrs["property"], attrs.get("content", ""))
        elif tag == "link":
            self.head.links.append(attrs)
        elif tag == "script":
            self.head.scripts += 1
            self._in_ld = attrs.get("type") == "application/ld+json"
            self._buffer = []

    def handle_data(self, data):
        if self._in_ld:
            self._buffer.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_ld:
            self.head.json_ld.append(json.loads("".join(self._buffer)))
            self._in_ld = False


def read_head(html: str) -> Head:
    parser = _Parser()
    parser.feed(html)
    return parser.head
