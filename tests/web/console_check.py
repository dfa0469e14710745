#!/usr/bin/env python3
"""What a QA person does first with the web console the demo printed.

usage: tests/web/console_check.py URL CA_FILE USER   (the password on stdin)

Over HTTPS trusting CA_FILE only (and checking that without it the
console's certificate is not trusted): GET URL answers 200 with the page
and its Content-Security-Policy; USER logs in through POST /api/login
(protobuf's JSON mapping: {"userId", "password"}), which sets the session
and CSRF cookies; POST /api/audit/records with the session cookie and the
X-CSRF-Token header answers USER's records, newest first, the first of
them this login, made through the console's own client certificate; the
session is then ended with POST /api/logout. Prints what it saw; exit 0
when every check held, 1 (each failure said) otherwise, 2 usage.
Python's standard library only (python3 is a dependency of the stack).
"""

import http.client
import json
import ssl
import sys
import urllib.parse


class Browser:
    """An HTTPS client keeping the cookies the console sets."""

    def __init__(self, url, context):
        self.host = url.hostname
        self.port = url.port or 443
        self.context = context
        self.cookies = {}

    def send(self, method, path, body=None, csrf=True):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/json"
            if csrf and "cellchain_csrf" in self.cookies:
                headers["X-CSRF-Token"] = self.cookies["cellchain_csrf"]
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=15)
        try:
            conn.request(method, path, body=None if body is None else json.dumps(body),
                         headers=headers)
            answer = conn.getresponse()
            data = answer.read().decode("utf-8", "replace")
            for line in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = line.partition("=")
                value = rest.split(";", 1)[0]
                if "Max-Age=0" in line:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return answer, data
        finally:
            conn.close()


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    url, ca_file, user = urllib.parse.urlsplit(argv[1]), argv[2], argv[3]
    password = sys.stdin.readline().rstrip("\n")
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print(f"FAIL: {what}", file=sys.stderr)
        return ok

    if not check(url.scheme == "https" and url.hostname, f"{argv[1]} is not an https URL"):
        return 1

    # The certificate is the stack's own: without its CA it is not trusted.
    try:
        Browser(url, ssl.create_default_context()).send("GET", "/")
        check(False, "the console's certificate was trusted without the dev CA")
    except ssl.SSLCertVerificationError as e:
        print(f"without the dev CA: refused ({e.verify_message})")

    browser = Browser(url, ssl.create_default_context(cafile=ca_file))
    answer, page = browser.send("GET", url.path or "/")
    print(f"GET {argv[1]}: {answer.status} {answer.getheader('Content-Type')}")
    check(answer.status == 200, f"GET {argv[1]} answered {answer.status}, not 200")
    check("<html" in page.lower(), "the page is not HTML")
    check("script-src 'self'" in (answer.getheader("Content-Security-Policy") or ""),
          "the page has no Content-Security-Policy allowing only its own scripts")

    answer, body = browser.send("POST", "/api/login", {"userId": user, "password": password})
    print(f"POST /api/login as {user}: {answer.status}")
    if not check(answer.status == 200, f"{user} cannot log in: {answer.status} {body}"):
        return 1
    check("cellchain_session" in browser.cookies, "login set no session cookie")
    check("cellchain_csrf" in browser.cookies, "login set no CSRF cookie")
    check(browser.cookies.get("cellchain_session", "-") not in body,
          "the login's answer holds the session token")

    query = {"filter": {"actorUserId": user}, "order": "ORDER_NEWEST_FIRST",
             "page": {"pageSize": 20}}
    answer, body = browser.send("POST", "/api/audit/records", query)
    print(f"POST /api/audit/records (actorUserId {user}, newest first): {answer.status}")
    if check(answer.status == 200, f"the audit records: {answer.status} {body}"):
        records = json.loads(body).get("records", [])
        print(f"records: {len(records)} on the first page")
        check(len(records) > 0, f"no audit record of {user}")
        if records:
            newest = records[0].get("record", {})
            actor = newest.get("actor", {})
            print(f"newest: {newest.get('action')} by {actor.get('userId')} "
                  f"at workstation {actor.get('workstation')}")
            check(newest.get("action") == "user.login" and actor.get("userId") == user,
                  "the newest record is not this login")
            check("web-console" in actor.get("workstation", ""),
                  "the login was not made through the console's client certificate")

    answer, body = browser.send("POST", "/api/logout", {})
    print(f"POST /api/logout: {answer.status}")
    check(answer.status == 200, f"logout: {answer.status} {body}")

    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("web console: every check held")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, http.client.HTTPException) as e:  # ssl.SSLError is an OSError
        print(f"FAIL: {e}", file=sys.stderr)
        sys.exit(1)
