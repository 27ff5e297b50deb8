"""The HTML report: what it holds (every input format, paging), and how it behaves in a real
browser (headless Chromium through Selenium): links go to their source, the legend names the
noise kinds present, and a phone-wide window needs no sideways scrolling."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import FIXTURES, shared_path
from threadclean import clean_text, clean_thread
from threadclean.cli import cli
from threadclean.report import render_index, render_report

_VOID = {"meta", "br", "img", "input", "link", "hr"}


class _Balance(HTMLParser):
    """Checks that every element is closed in order, and collects ids and links."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external: list[str] = []  # anything the browser would fetch

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            assert a["id"] not in self.ids, f"duplicate id {a['id']}"
            self.ids.add(a["id"])
        if tag == "a" and a.get("href", "").startswith("#"):
            assert "a" not in self.stack, "a link inside a link"
            self.links.append(a["href"][1:])
        if tag == "link" or a.get("src") or a.get("href", "#").split(":")[0] in ("http", "https", "//"):
            self.external.append(f"<{tag}> {a}")
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()


def check(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    assert parser.stack == ["html"] or parser.stack == [], parser.stack
    return parser


SEED = FIXTURES / "seed-sample.txt"
INPUTS = [SEED, FIXTURES / "json_thread" / "input.json", FIXTURES / "stage1st_md" / "input.md",
          FIXTURES / "discuz_x_page" / "input.html", FIXTURES / "email_reply" / "input.txt"]


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.parent.name if p.parent != FIXTURES else p.name)
def test_every_format_gives_a_whole_self_contained_page(path, tmp_path):
    out = tmp_path / "report.html"
    res = CliRunner().invoke(cli, ["show", str(path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    parsed = check(page)
    assert parsed.external == []
    for target in parsed.links:  # every quote link has its passage, every badge its quote
        assert target in parsed.ids


def test_each_copy_links_its_first_appearance_and_each_kind_is_in_the_legend():
    result = clean_text(SEED.read_text(encoding="utf-8"))
    page = render_report(result)
    n = sum(len(p.quotes) for p in result.posts)
    assert n > 10
    for k in range(n):
        assert f'href="#c{k}"' in page and f'id="c{k}"' in page
    # each first appearance names every post that repeated it, once (at its first repeat)
    badges = re.findall(r'<span class="quoted-by">repeated in (.*?)</span>', page)
    assert badges and all(len(set(names)) == len(names) for names in (re.findall(r">#([^<]+)</a>", b) for b in badges))
    quoting = {p.id for p in result.posts if any(q.source for q in p.quotes)}
    assert quoting == {who for b in badges for who in re.findall(r">#([^<]+)</a>", b)}
    legend = page[page.index('id="legend"') : page.index("</ul>", page.index('id="legend"'))]
    for kind in result.stats.removed:
        assert f'data-kind="{kind}"' in legend
    assert "quote of #N" in legend and "repeat of #N" in legend  # the forum's quotes and found repeats told apart
    from threadclean import clean_file
    from threadclean.report import KIND_MEANING

    for shown in (result, clean_file(FIXTURES / "stage1st_md" / "input.md")):
        assert set(shown.stats.removed) <= set(KIND_MEANING)  # every kind the legend lists says what it is
    marked = sum(q.explicit for p in result.posts for q in p.quotes if q.source)
    outside = sum(1 for p in result.posts for q in p.quotes if not q.source)
    assert page.count('class="copy marked"') == marked + 1  # the legend's own sample too
    assert page.count('class="copy found"') == n - marked - outside + 1


def test_tooltips_read_entities_once_and_tiny_first_appearances_are_not_highlighted():
    first = "他说&quot;这条路从北门进山，两个小时到观景台，路上有水&quot;，我觉得可以。"
    result = clean_thread([{"id": "1", "text": first}, {"id": "2", "text": first + "\n同意"}], engine=None,
                          dialect="html")
    page = render_report(result)
    title = re.search(r'class="copy [a-z]+" id="q0"[^>]* title="([^"]*)"', page).group(1)
    assert "&amp;quot;" not in title and "&quot;这条路" in title  # one escape, for the attribute only
    doc = result.to_dict()
    source = doc["posts"][1]["quotes"][0]["source"]
    source["end"] = source["start"] + 1  # a first appearance of one character
    body = render_report(doc).split('<main id="thread">')[1]
    assert 'class="canon"' not in body and 'id="c0"' in body  # not highlighted; its anchor stays


def test_long_threads_are_paged_and_links_know_their_page():
    text = "这家面馆开了二十年，老板每天早上五点就开始熬汤，汤底是真的好"
    posts = [text] + [f"第{k}楼：{text if k % 2 else '同意'}" for k in range(1, 450)]
    result = clean_thread(posts)
    page = render_report(result, page_size=100)
    assert page.count("<template ") == 5
    check(page)
    data = json.loads(page.split('id="report-data">')[1].split("</script>")[0])
    last = sum(len(p.quotes) for p in result.posts) - 1
    assert data["where"]["c0"] == 0 and data["where"][f"q{last}"] == 4 and data["where"]["p450"] == 4


def test_batch_report_dir_has_a_page_per_thread_and_an_index(tmp_path):
    res = CliRunner().invoke(cli, ["batch", str(FIXTURES / "batch"), "-o", str(tmp_path / "out"), "--workers", "1",
                                   "--report-dir", str(tmp_path / "html"), "-q"])
    assert res.exit_code == 0, res.output
    pages = sorted((tmp_path / "html").glob("0*.html"))
    assert len(pages) == 3
    index = (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    check(index)
    assert all(f'href="{p.name}"' in index for p in pages)
    assert "".join(render_index([], {})).count("<tr>") == 1


# ---- in a real browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="the browser test needs selenium (the test extra)")
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver:
        pytest.skip("no headless Chromium here: apt-get install chromium chromium-driver (.ci/run does)")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(arg)
    from selenium.webdriver.chrome.service import Service

    b = webdriver.Chrome(options=options, service=Service(driver))
    yield b
    b.quit()


def _visible(browser, element_id: str) -> bool:
    """Whether the element is on screen, waiting a little: a link is followed asynchronously."""
    from selenium.webdriver.support.ui import WebDriverWait

    def on_screen(b):
        return b.execute_script(
            "var e = document.getElementById(arguments[0]); if (!e) return false;"
            "var r = e.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight;", element_id)

    try:
        return WebDriverWait(browser, 5).until(on_screen)
    except Exception:
        return False


def _current_page(browser) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, 5).until(
        lambda b: b.find_element(By.CSS_SELECTOR, "nav.pager button[aria-current='page']")).text


def _check_in_browser(browser, report: Path, result) -> None:
    from selenium.webdriver.common.by import By

    browser.set_window_size(1200, 900)
    browser.get(report.as_uri())
    legend = browser.find_element(By.ID, "legend").text
    for kind in result.stats.removed:
        assert kind in legend
    copies = browser.find_elements(By.CSS_SELECTOR, "a.copy[href^='#c']")
    assert copies, "no collapsed copy to follow"
    last = copies[-1]
    target = last.get_attribute("href").split("#")[1]
    browser.execute_script("arguments[0].scrollIntoView()", last)
    last.click()
    assert _visible(browser, target), "the quoted passage is not on screen after following the link"
    assert browser.execute_script("return location.hash") == f"#{target}"
    assert _visible(browser, target), "the quoted passage is not on screen after following the link"
    badge = browser.find_element(By.CSS_SELECTOR, f"#{target} ~ .quoted-by, .quoted-by")
    assert "repeated in" in badge.text
    browser.set_window_size(390, 844)  # a phone
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_seed_report_in_a_browser(browser, tmp_path):
    result = clean_text(SEED.read_text(encoding="utf-8"))
    report = tmp_path / "seed.html"
    report.write_text(render_report(result, source="seed"), encoding="utf-8")
    _check_in_browser(browser, report, result)


def test_a_stage1st_report_in_a_browser(browser, tmp_path):
    path = sorted(shared_path("realdata", "stage1st-md").glob("*.md"))[0]
    result = clean_text(path.read_text(encoding="utf-8"))
    report = tmp_path / "s1.html"
    report.write_text(render_report(result, source=path.name), encoding="utf-8")
    _check_in_browser(browser, report, result)


def test_a_link_to_another_page_of_a_long_thread(browser, tmp_path):
    from selenium.webdriver.common.by import By

    text = "这家面馆开了二十年，老板每天早上五点就开始熬汤，汤底是真的好"
    posts = [text] + [f"第{k}楼：{text if k == 449 else '同意' + str(k)}" for k in range(1, 450)]
    report = tmp_path / "long.html"
    report.write_text(render_report(clean_thread(posts), page_size=100), encoding="utf-8")
    browser.get(report.as_uri() + "#q0")  # the one copy, on the last page
    link = browser.find_element(By.ID, "q0")
    assert _current_page(browser) == "5"
    browser.execute_script("arguments[0].scrollIntoView()", link)
    link.click()
    assert _visible(browser, "c0")
    assert _current_page(browser) == "1"


@pytest.mark.parametrize("fragment", ["", "#constructor", "#__proto__", "#toString", "#%E0"])
def test_hostile_ids_and_fragments_leave_the_page_whole(browser, tmp_path, fragment):
    """HOSTILE-INPUTS S1 and S2: a post id holding "<!--<script>", and a crafted URL fragment."""
    from selenium.webdriver.common.by import By

    posts = [{"id": "<!--<script>", "text": "first post"}, {"id": "2", "text": "second post"}]
    report = tmp_path / "hostile.html"
    report.write_text(render_report(clean_thread(posts), page_size=1), encoding="utf-8")
    browser.get(report.as_uri() + fragment)
    assert browser.execute_script("return document.scripts.length") == 2
    assert browser.find_elements(By.CSS_SELECTOR, "#thread .post"), "no post drawn"
    assert _current_page(browser) == "1"


# a thread written for these tests: a marked quote, an unmarked paste, markup and a smiley
VIEWS_THREAD = [
    {"id": "1", "author": "山风", "time": "2021-5-3 10:00",
     "text": "周末走了北门那条线，<b>两个小时</b>到观景台，路上有两处补水点，风景很好。{:5_108:}\n"
             "下山走南门更快，一个小时就能到停车场，但是台阶很多，膝盖不好的人要小心。"},
    {"id": "2", "author": "白鹭", "time": "2021-5-3 10:20",
     "text": '<blockquote><a href="forum.php?mod=redirect&amp;goto=findpost&amp;pid=1">山风 发表于 2021-5-3 10:00</a>\n'
             "周末走了北门那条线，两个小时到观景台，路上有两处补水点，风景很好。</blockquote>\n"
             "请问观景台附近有卖吃的吗？想带孩子一起去。"},
    {"id": "3", "author": "青草", "time": "2021-5-3 11:05",
     "text": "转一下楼主的经验：下山走南门更快，一个小时就能到停车场，但是台阶很多，膝盖不好的人要小心。\n"
             '<a href="https://example.org/map">地图在这里</a>'},
]


def test_the_reports_views_in_a_browser(browser, tmp_path):
    """The annotated view, the cleaned text and markup hidden, each switched on in Chromium and
    photographed (into docs/ when THREADCLEAN_SCREENSHOTS=docs, as the committed images were)."""
    import os

    from selenium.webdriver.common.by import By

    result = clean_thread(VIEWS_THREAD, engine="discuz-html")
    assert {q.explicit for p in result.posts for q in p.quotes} == {True, False}
    report = tmp_path / "views.html"
    report.write_text(render_report(result, source="fixtures: a thread written for the tests"), encoding="utf-8")
    shots = Path(__file__).resolve().parent.parent / "docs" if os.environ.get("THREADCLEAN_SCREENSHOTS") == "docs" \
        else tmp_path
    browser.set_window_size(900, 1000)
    browser.get(report.as_uri())

    def shown(selector: str) -> list[bool]:
        return [e.is_displayed() for e in browser.find_elements(By.CSS_SELECTOR, selector)]

    assert browser.find_element(By.CSS_SELECTOR, "article a.copy.marked .copy-label").text == "quote of #1"
    assert browser.find_element(By.CSS_SELECTOR, "article a.copy.found .copy-label").text == "repeat of #1"
    assert all(shown("del.noise")) and shown("del.noise")
    browser.save_screenshot(str(shots / "report-view-annotated.png"))
    browser.find_element(By.ID, "view-clean").click()
    assert not any(shown("article del.noise"))  # the cleaned text: no noise, copies only their labels
    assert all(shown("article .copy-label"))
    assert browser.execute_script(
        "return getComputedStyle(document.querySelector('article a.copy')).fontSize") == "0px"
    browser.save_screenshot(str(shots / "report-view-cleaned.png"))
    browser.find_element(By.ID, "view-clean").click()
    browser.find_element(By.ID, "hide-markup").click()
    assert not any(shown("article del.noise[data-kind='markup']")) and any(shown("article del.noise"))
    browser.save_screenshot(str(shots / "report-view-no-markup.png"))
    assert all((shots / f"report-view-{v}.png").stat().st_size > 10_000 for v in ("annotated", "cleaned", "no-markup"))
