"""`solkg serve`'s pages (issue 13, rows 10, 11 and 12): the class tree shows direct subclasses, every
link reachable from the home page works (named graphs have pages), search ignores case and accents.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import pyoxigraph as ox
import pytest

SOL = "https://w3id.org/solkg/ontology#"
VOID = "http://rdfs.org/ns/void#"
AMAP = "https://w3id.org/solkg/id/example-amap-val-de-drome"
EXAMPLES = "https://w3id.org/solkg/graph/data/examples.ttl"


def class_href(local: str) -> str:
    return "/resource?iri=" + quote(SOL + local, safe="")


class TreeParser(HTMLParser):
    """The ``ul.tree`` of a page as (href, [children]) nodes: each ``<li>``'s first link."""

    def __init__(self):
        super().__init__()
        self.root: list = []
        self.stack: list = []
        self.in_tree = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and "tree" in (attrs.get("class") or "").split():
            self.in_tree += 1
        elif tag == "li" and self.in_tree:
            node = [None, []]
            (self.stack[-1][1] if self.stack else self.root).append(node)
            self.stack.append(node)
        elif tag == "a" and self.stack and self.stack[-1][0] is None:
            self.stack[-1][0] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag == "li" and self.stack:
            self.stack.pop()
        elif tag == "ul" and self.in_tree and not self.stack:
            self.in_tree -= 1


def parents_of(nodes, href: str, parent=None) -> list:
    found = []
    for node_href, children in nodes:
        if node_href == href:
            found.append(parent)
        found += parents_of(children, href, node_href)
    return found


# --- row 10: direct subclasses ---------------------------------------------------------------------


def test_class_tree_shows_direct_subclasses(server):
    tree = TreeParser()
    tree.feed(server.get("/classes", Accept="text/html").text)
    assert parents_of(tree.root, class_href("FarmShop")) == [class_href("ShortFoodSupplyChain")]
    assert parents_of(tree.root, class_href("ShortFoodSupplyChain")) == [class_href("ShortSupplyChain")]
    assert parents_of(tree.root, class_href("ShortSupplyChain")) == [None]  # a root
    parents: dict[str, set] = {}

    def walk(nodes, parent):
        for href, children in nodes:
            parents.setdefault(href, set()).add(parent)
            walk(children, href)

    walk(tree.root, None)

    def ancestors(href):
        out = set()
        for parent in parents.get(href, ()):
            if parent is not None and parent not in out:
                out |= {parent} | ancestors(parent)
        return out

    for href, above in parents.items():  # under two classes only when neither is below the other
        assert not any(a in ancestors(b) for a in above for b in above if a != b), href
    assert parents[class_href("CitizenSpectatorProducer")] == {class_href("Consumer"), class_href("Producer")}


def test_class_page_lists_direct_subclasses(server):
    page = server.get(class_href("ShortSupplyChain"), Accept="text/html").text
    line = next(line for line in page.splitlines() if line.startswith("<p>Subclasses:"))
    assert f'href="{class_href("ShortFoodSupplyChain")}"' in line
    assert f'href="{class_href("FarmShop")}"' not in line


# --- row 11: named graphs have pages; no link leads to a 404 -----------------------------------------


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])


def _canonical(base: str, page: str, href: str) -> str | None:
    url = urljoin(base + page, href)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or parts.scheme not in ("http", "https"):
        return None  # other hosts (cited sources, licences) are not ours to crawl
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
    return urlunsplit(("", "", parts.path, query, ""))  # the language switch gives the same routes


def test_crawl_from_the_home_page_finds_no_broken_link(server):
    seen = {"/"}
    todo = ["/"]
    broken: list[tuple[str, int, str]] = []
    referrers: dict[str, str] = {}
    pages = 0

    def fetch(path):
        return path, server.request(path, headers={"Accept": "text/html"})

    with ThreadPoolExecutor(4) as pool:
        while todo:
            batch, todo = todo, []
            for path, reply in pool.map(fetch, batch):
                pages += 1
                if reply.status >= 400:
                    broken.append((path, reply.status, referrers.get(path, "")))
                    continue
                if not reply.header("content-type").startswith("text/html"):
                    continue
                links = LinkParser()
                links.feed(reply.text)
                for href in links.links:
                    target = _canonical(server.base, path, href)
                    if target and target not in seen:
                        seen.add(target)
                        referrers[target] = path
                        todo.append(target)
            assert pages < 20000, "the crawl does not end"
    assert broken == [], broken[:20]
    assert pages > 200  # it did reach the resources, the graphs and the formats
    assert any(p.startswith("/graph/") for p in seen)


def test_named_graph_links_on_a_resource_page(server, serve_store):
    page = server.get("/id/example-amap-val-de-drome", Accept="text/html").text
    assert 'href="/graph/data/examples.ttl"' in page
    graph = server.get("/graph/data/examples.ttl", Accept="text/html")
    assert graph.status == 200
    store = ox.Store.read_only(str(serve_store))
    count = int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{EXAMPLES}> {{ ?s ?p ?o }} }}")))[
        "n"].value)
    assert f'<td class="n-triples">{count}</td>' in graph.text
    assert '<code class="source">data/examples.ttl</code>' in graph.text
    assert "https://creativecommons.org/licenses/by/4.0/" in graph.text
    same = server.get("/resource?iri=" + quote(EXAMPLES, safe=""), Accept="text/html")
    assert same.status == 200 and '<td class="n-triples">' in same.text
    data = server.get("/graph/data/examples.ttl", Accept="text/turtle")
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(data.body, ox.RdfFormat.TURTLE)]
    figures = {t.predicate.value: t.object.value for t in triples if t.subject.value == EXAMPLES}
    assert figures[VOID + "triples"] == str(count)
    assert figures["http://purl.org/dc/terms/source"] == "data/examples.ttl"
    listing = server.get("/graphs", Accept="text/html").text
    for g in ("data/examples.ttl", "data/seed.ttl", "ontology/solkg.ttl", "entailed"):
        assert f'href="/graph/{g}"' in listing
    assert server.get("/graph/data/no-such-file.ttl", Accept="text/html").status == 404


def test_entailed_graph_page_says_it_is_derived(server):
    page = server.get("/graph/entailed", Accept="text/html").text
    assert "No source file" in page


# --- row 12: search ignores case and accents -----------------------------------------------------


def _results(server, text: str, lang: str = "en") -> list[str]:
    page = server.get("/search?" + urlencode({"q": text, "lang": lang}), Accept="text/html").text
    return [line.split('href="', 1)[1].split('"', 1)[0] for line in page.splitlines() if 'class="result"' in line]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_search_ignores_accents_and_case(server, lang):
    accented = _results(server, "énergie", lang)
    assert len(accented) >= 3
    for variant in ("energie", "ENERGIE", "Énergie", "EnErGiE"):
        assert _results(server, variant, lang) == accented, variant
    drome = _results(server, "Drôme", lang)
    assert "/id/example-amap-val-de-drome" in drome
    assert _results(server, "drome", lang) == drome == _results(server, "DROME", lang)


def test_search_still_finds_plain_words(server):
    assert "/id/example-amap-val-de-drome" in _results(server, "amap")
    assert _results(server, "no such label anywhere") == []
