#!/usr/bin/env python3
"""The PD portal in a real browser (Debian chromium + chromedriver, Selenium, axe-core).

Run by PortalBrowserTests (Tests/PortalTests) against `pantau serve` on loopback:

    portal_test.py --base http://127.0.0.1:PORT --pd BAPPEDA --pd-token T --other-pd DINKES
                   --dinas-token T2 --drawio FILE --yaml FILE --shots DIR

Signs in with the PD token, uploads a stock diagrams.net drawing and reads its warnings,
submits it, submits a second version, reads the history and the diff between the two, signs
out; checks that a wrong token, another PD's pages and a form without its CSRF token are
refused; runs axe-core on every page (no serious or critical violation) and checks each
page's HTML as served (balanced elements, no duplicate ids). Saves a screenshot of every
page at a phone width and a desktop width into --shots. Exit status 0 when every check held.
"""
import argparse
import html.parser
import http.cookiejar
import os
import sys
import time
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

FAILURES = []
CHECKS = [0]


def check(cond, what):
    CHECKS[0] += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Elements whose end tag HTML lets the parser imply; the portal writes them all closed anyway.


class Balance(html.parser.HTMLParser):
    """Balanced elements and unique ids in the HTML as the server sent it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.problems = [], {}, []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k == "id":
                if v in self.ids:
                    self.problems.append(f"duplicate id {v!r}")
                self.ids[v] = True
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.problems.append(f"</{tag}> at {self.getpos()} closes {self.stack[-1] if self.stack else 'nothing'}")
            # resynchronise on the nearest matching open element
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i][0] == tag:
                    del self.stack[i:]
                    break
        else:
            self.stack.pop()

    def close(self):
        super().close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")


class Portal:
    def __init__(self, args):
        self.args = args
        self.base = args.base
        opts = webdriver.ChromeOptions()
        opts.binary_location = args.chromium
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                  "--disable-extensions", "--lang=id-ID", "--window-size=1280,900"):
            opts.add_argument(a)
        opts.add_experimental_option("prefs", {"download.default_directory": args.shots, "intl.accept_languages": "id-ID,id"})
        self.d = webdriver.Chrome(service=Service(args.chromedriver), options=opts)
        self.d.set_page_load_timeout(20)
        self.pages_checked = set()

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def detached(e):
        """Chromedriver's two ways of saying an element belongs to a page that has gone."""
        return isinstance(e, StaleElementReferenceException) or "does not belong to the document" in str(e)

    def settle(self):
        """Waits until the page the browser is on has loaded completely."""
        def loaded(d):
            try:
                return d.execute_script("return document.readyState") == "complete" and \
                    d.find_element(By.TAG_NAME, "body") is not None
            except WebDriverException as e:
                if self.detached(e):
                    return False  # the document was replaced while we looked: look again
                raise
        WebDriverWait(self.d, 15).until(loaded)

    def click(self, css):
        """Clicks and waits for the next page (forms post and the server answers with a page)."""
        old = self.d.find_element(By.TAG_NAME, "html")
        self.d.find_element(By.CSS_SELECTOR, css).click()

        def gone(_):
            try:
                old.is_enabled()
                return False
            except WebDriverException as e:
                if self.detached(e):
                    return True
                raise
        WebDriverWait(self.d, 15).until(gone)
        self.settle()

    def go(self, path):
        self.d.get(self.base + path)
        self.settle()

    def text(self):
        for attempt in range(5):
            try:
                return self.d.find_element(By.TAG_NAME, "body").text
            except WebDriverException as e:
                if not self.detached(e) or attempt == 4:
                    raise
                self.settle()

    def served_html(self, path):
        """The page as the server sends it, with the browser's cookies (HttpOnly included)."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        cookie = "; ".join(f"{c['name']}={c['value']}" for c in self.d.get_cookies())
        req = urllib.request.Request(self.base + path, headers={"Cookie": cookie})
        with opener.open(req, timeout=10) as r:
            return r.read().decode("utf-8")

    def inspect(self, name, path=None):
        """Screenshots of the whole page at two widths, axe-core, and the served HTML's structure."""
        for width, height, tag in ((390, 844, "phone"), (1280, 900, "desktop")):
            self.d.set_window_size(width, height)
            time.sleep(0.05)
            full = self.d.execute_script("return document.documentElement.scrollHeight")
            if isinstance(full, int) and full > height:
                self.d.set_window_size(width, min(full + 120, 8000))
                time.sleep(0.05)
            self.d.save_screenshot(os.path.join(self.args.shots, f"{name}-{tag}.png"))
        self.d.set_window_size(1280, 900)
        if name in self.pages_checked:
            return
        self.pages_checked.add(name)
        axe = Axe(self.d)
        axe.inject()
        results = axe.run()
        bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
        check(not bad, f"{name}: axe serious/critical: " + "; ".join(f"{v['id']}: {v['help']} ({len(v['nodes'])})" for v in bad))
        ids = self.d.execute_script("return Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
        check(len(ids) == len(set(ids)), f"{name}: duplicate ids in the DOM: {ids}")
        if path:
            b = Balance()
            b.feed(self.served_html(path))
            b.close()
            check(not b.problems, f"{name}: HTML problems: {b.problems}")
            check(b.ids or True, name)

    def sign_in(self, token):
        self.go("/")
        box = self.d.find_element(By.ID, "token")
        box.send_keys(token)
        self.click("form[action='/signin'] button[type=submit]")

    def sign_out(self):
        self.click("form[action='/signout'] button")

    def upload_and_submit(self, pd, path, by):
        self.go(f"/pd/{pd}/submit")
        self.d.find_element(By.ID, "file").send_keys(path)
        self.click("form[action$='/check'] button")
        return self.text()

    # -- the journey -----------------------------------------------------------------------
    def run(self):
        a, pd, other = self.args, self.args.pd, self.args.other_pd

        self.go("/")
        check("Masuk ke portal PD" in self.text(), "the sign-in page in Bahasa Indonesia")
        self.inspect("01-signin", "/")

        # A wrong token is refused, and the page says so.
        self.sign_in("not-a-token-" + "x" * 20)
        check("Token tidak dikenal" in self.text(), "a wrong token is refused")
        check("not-a-token" not in self.d.page_source, "the wrong token is not echoed")
        self.inspect("02-signin-refused")

        # Sign in with the PD's token: its home.
        self.sign_in(a.pd_token)
        check(self.d.current_url.endswith(f"/pd/{pd}"), f"signed in lands on /pd/{pd}: {self.d.current_url}")
        body = self.text()
        check("Kewajiban diagram LAN" in body and "Pasal" in body, "home shows the duty and its article")
        check(a.pd_token not in self.d.page_source, "the token is not on the page")
        self.inspect("03-home", f"/pd/{pd}")

        # The submit page, a stock drawing's warnings, then submitted.
        self.go(f"/pd/{pd}/submit")
        self.inspect("04-submit", f"/pd/{pd}/submit")
        body = self.upload_and_submit(pd, a.drawio, "Maria")
        check("Peringatan" in body and "Yang perlu dilakukan" in body, "the stock drawing's warnings in plain words")
        warnings = self.d.find_elements(By.CSS_SELECTOR, "li.issue-warning")
        check(len(warnings) >= 2, f"warnings listed one by one ({len(warnings)})")
        check(any("Bentuk “" in w.text for w in warnings), "a warning names the shape by its label")
        check(any("Router batas belum ditandai; Pantau menganggap “" in w.text for w in warnings),
              "the checks' own messages are in Bahasa Indonesia, naming the shape: " + " | ".join(w.text for w in warnings)[:400])
        check(not self.d.find_elements(By.CSS_SELECTOR, "li.issue [lang]"), "no message is marked as another language")
        self.inspect("05-checked")
        self.d.find_element(By.ID, "by").send_keys("Maria Goreti")
        self.click("form[action$='/submit'] button")
        body = self.text()
        check("Diagram diterima" in body and "versi 1" in body, "version 1 received")
        self.inspect("06-submitted")

        # A second version, from YAML.
        self.upload_and_submit(pd, a.yaml, "Maria")
        self.d.find_element(By.ID, "by").send_keys("Maria Goreti")
        self.click("form[action$='/submit'] button")
        check("versi 2" in self.text(), "version 2 received: " + self.text()[:300])

        # History: both versions; the diff between them in words.
        self.go(f"/pd/{pd}/history")
        rows = self.d.find_elements(By.CSS_SELECTOR, "tbody tr")
        check(len(rows) == 2, f"history lists two versions ({len(rows)})")
        check("Maria Goreti" in self.text() and len(self.d.find_elements(By.CSS_SELECTOR, "code.hash")) == 2, "who and SHA-256 per version")
        self.inspect("07-history", f"/pd/{pd}/history")
        Select(self.d.find_element(By.ID, "from")).select_by_value("1")
        Select(self.d.find_element(By.ID, "to")).select_by_value("2")
        self.click("form[action$='/diff'] button")
        body = self.text()
        check("Perubahan versi 1 ke 2" in body and "Perangkat ditambahkan" in body, "the diff in words")
        self.inspect("08-diff", f"/pd/{pd}/diff?from=1&to=2")
        self.go(f"/pd/{pd}/versions/2")
        self.inspect("09-version", f"/pd/{pd}/versions/2")
        self.go(f"/pd/{pd}/findings")
        body = self.text()
        check("bandwidth-over-allocation" in body and "Bukti" in body and "p95_bps=78000000" in body, "findings with their evidence: " + body[:400])
        check("78 Mbit/s melebihi bandwidth yang disetujui, 50 Mbit/s" in body and "over the approved" not in body,
              "the finding said in Bahasa Indonesia: " + body[:600])
        self.inspect("10-findings", f"/pd/{pd}/findings")
        self.go(f"/pd/{pd}")
        check("Diagram masih berlaku" in self.text(), "home: the duty is met now")
        self.inspect("11-home-current", f"/pd/{pd}")

        # English on request, kept.
        self.go(f"/pd/{pd}?lang=en")
        check("LAN diagram duty" in self.text(), "English on ?lang=en")
        self.go(f"/pd/{pd}/history")
        check("Diagram history" in self.text(), "the language choice is kept")
        self.inspect("12-history-en")
        body = self.upload_and_submit(pd, a.drawio, "Maria")
        check("No boundary router is marked; Pantau takes “" in body and "What to do" in body and "Router batas" not in body,
              "the check's messages in English on request: " + body[:400])
        self.inspect("12-checked-en")
        self.go(f"/pd/{pd}?lang=id")

        # PD A's session on PD B's pages.
        for path in (f"/pd/{other}", f"/pd/{other}/history", f"/pd/{other}/findings", f"/pd/{other}/submit", "/regency"):
            self.go(path)
            check("tidak berhak" in self.text(), f"{path} refused to PD {pd}")
        self.inspect("13-forbidden")

        # A form posted without its CSRF token.
        self.go(f"/pd/{pd}")
        self.d.execute_script("document.querySelector(\"form[action='/signout'] input[name=csrf]\").remove()")
        self.sign_out()
        check("Formulir ini kedaluwarsa" in self.text(), "a form without its CSRF token is refused")
        self.inspect("14-csrf-refused")
        self.go(f"/pd/{pd}")
        check(self.d.current_url.endswith(f"/pd/{pd}"), "still signed in after the refused form")

        # Sign out.
        self.sign_out()
        check("Anda sudah keluar" in self.text(), "signed out")
        self.go(f"/pd/{pd}/history")
        check("Masuk ke portal PD" in self.text(), "signed out: the history is no longer shown")

        # Diskominfo: every PD, overdue first.
        self.sign_in(a.dinas_token)
        check(self.d.current_url.endswith("/regency"), f"Diskominfo lands on /regency: {self.d.current_url}")
        check("Status diagram semua PD" in self.text(), "the regency overview")
        self.inspect("15-regency", "/regency")
        self.go(f"/pd/{pd}/history")
        check(len(self.d.find_elements(By.CSS_SELECTOR, "tbody tr")) == 2, "Diskominfo reads any PD's history")
        self.sign_out()

    def close(self):
        self.d.quit()


def main():
    p = argparse.ArgumentParser()
    for k in ("--base", "--pd", "--pd-token", "--other-pd", "--dinas-token", "--drawio", "--yaml", "--shots"):
        p.add_argument(k, required=True)
    p.add_argument("--chromium", default="/usr/bin/chromium")
    p.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = p.parse_args()
    os.makedirs(args.shots, exist_ok=True)
    started = time.monotonic()
    portal = Portal(args)
    try:
        portal.run()
    except Exception as e:  # a missing element is a failed check, reported with where it was
        FAILURES.append(f"{type(e).__name__}: {e}".splitlines()[0] + f" (at {portal.d.current_url})")
    finally:
        portal.close()
    print(f"screenshots: {args.shots}")
    print(f"{CHECKS[0]} checks, {len(FAILURES)} failed, {time.monotonic() - started:.1f} s")
    for f in FAILURES:
        print("FAILED:", f)
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
