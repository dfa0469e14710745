#!/usr/bin/env python3
"""Runs deploy/k8s's pods' commands on this machine, with real parts (issue 26).

  pod_run_test.py --source=DIR --cellchaind=BIN --cellchain=BIN --pki=DIR --state=DIR --pg-port=N

No cluster: what the manifests say is played here. The Certificates are made
with openssl as cert-manager would from their specs (CAs, SANs, usages); the
Secrets from kustomization.yaml's files come from a dev PKI
(--pki, made by deploy/local/pki.sh: the test_pki fixture's); PostgreSQL 15 (deploy/local/pg-cluster.sh) gets the
Cluster's pg_hba and pg_ident lines and its TLS certificates. Then the
migration Job's args, cellchaind's Deployment args and environment, and the
three probes' commands run as written, with the files at the mount paths
moved under --state and cellchain-pg-rw resolved to 127.0.0.1 (hostaddr).
It passes when migrate succeeds, every service role logs in by certificate
over TLS, every probe prints SERVING, and a probe fails once cellchaind has
stopped. The superuser's password (the Job's PGPASSWORD) is not exercised:
the local cluster trusts postgres over TLS from 127.0.0.1.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import yaml

MOUNT_ROOT = "/etc/cellchain"
USAGES = {"server auth": "serverAuth", "client auth": "clientAuth"}


def load(k8s):
    with open(os.path.join(k8s, "kustomization.yaml"), encoding="utf-8") as f:
        kust = yaml.safe_load(f)
    docs = []
    for name in kust["resources"]:
        with open(os.path.join(k8s, name), encoding="utf-8") as f:
            docs += [d for d in yaml.safe_load_all(f) if d]
    return kust, docs


def one(docs, kind):
    found = [d for d in docs if d["kind"] == kind]
    if len(found) != 1:
        raise SystemExit(f"expected one {kind} in deploy/k8s, found {len(found)}")
    return found[0]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


# --- cert-manager, played with openssl --------------------------------------------

def subject(spec):
    parts = [f"O={o}" for o in spec.get("subject", {}).get("organizations", [])]
    parts += [f"OU={u}" for u in spec.get("subject", {}).get("organizationalUnits", [])]
    return "/" + "/".join(parts + [f"CN={spec.get('commonName', 'x')}"])


def issue_certificates(docs, out):
    """Every Certificate's secret as files out/<secret>/{tls.crt,tls.key,ca.crt}."""
    issuers = {d["metadata"]["name"]: d["spec"] for d in docs if d["kind"] == "Issuer"}
    certs = [d["spec"] for d in docs if d["kind"] == "Certificate"]
    # CAs first (self-signed), then what the CAs issue.
    for spec in sorted(certs, key=lambda s: not s.get("isCA")):
        d = os.path.join(out, spec["secretName"])
        os.makedirs(d)
        key, crt = os.path.join(d, "tls.key"), os.path.join(d, "tls.crt")
        run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key])
        issuer = issuers[spec["issuerRef"]["name"]]
        if "selfSigned" in issuer:
            run(["openssl", "req", "-x509", "-new", "-key", key, "-subj", subject(spec), "-days", "2",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 "-out", crt])
            shutil.copy(crt, os.path.join(d, "ca.crt"))
            continue
        ca = os.path.join(out, issuer["ca"]["secretName"])
        sans = [f"DNS:{n}" for n in spec.get("dnsNames", [])] + [f"IP:{a}" for a in spec.get("ipAddresses", [])]
        ext = os.path.join(d, "ext")
        with open(ext, "w", encoding="utf-8") as f:
            eku = [USAGES[u] for u in spec.get("usages", []) if u in USAGES]
            f.write("keyUsage=critical,digitalSignature,keyEncipherment\n")
            f.write(f"extendedKeyUsage={','.join(eku)}\n")
            if sans:
                f.write(f"subjectAltName={','.join(sans)}\n")
        csr = run(["openssl", "req", "-new", "-key", key, "-subj", subject(spec)]).stdout
        run(["openssl", "x509", "-req", "-CA", os.path.join(ca, "tls.crt"), "-CAkey", os.path.join(ca, "tls.key"),
             "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", crt], input=csr)
        shutil.copy(os.path.join(ca, "tls.crt"), os.path.join(d, "ca.crt"))


def generated_secrets(kust, pki, out):
    """kustomization.yaml's file Secrets, from the dev PKI (secrets/README.md's mapping)."""
    for gen in kust["secretGenerator"]:
        if not gen.get("files"):
            continue
        d = os.path.join(out, gen["name"])
        os.makedirs(d)
        for entry in gen["files"]:
            key, _, path = entry.partition("=")
            rel = path[len("secrets/"):]
            source = os.path.join(pki, "signing/keyring" if rel == "keyring" else rel)
            shutil.copy(source, os.path.join(d, key))


def mount(pod, container, secrets, etc):
    """The container's secret volumes under etc/, as they would be at /etc/cellchain."""
    volumes = {v["name"]: v for v in pod["volumes"]}
    for m in container.get("volumeMounts", []):
        secret = volumes[m["name"]]["secret"]
        target = os.path.join(etc, os.path.relpath(m["mountPath"], MOUNT_ROOT))
        os.makedirs(target, exist_ok=True)
        source = os.path.join(secrets, secret["secretName"])
        items = secret.get("items") or [{"key": k, "path": k} for k in os.listdir(source)]
        for item in items:
            shutil.copy(os.path.join(source, item["key"]), os.path.join(target, item["path"]))
            os.chmod(os.path.join(target, item["path"]), secret.get("defaultMode", 0o644))


def local(arg, etc, pg_port, grpc_port=None):
    arg = arg.replace(MOUNT_ROOT, etc)
    arg = re.sub(r"host=(\S+)-rw\b", r"host=\1-rw hostaddr=127.0.0.1", arg)
    arg = arg.replace("port=5432", f"port={pg_port}")
    if arg.startswith("--listen="):
        return "--listen=127.0.0.1:0"
    if arg.startswith("--target=") and grpc_port:
        return f"--target=127.0.0.1:{grpc_port}"
    return arg


# --- the run --------------------------------------------------------------------------

class Run:
    def __init__(self, opts):
        self.o = opts
        self.pg = [os.path.join(opts.source, "deploy/local/pg-cluster.sh"), os.path.join(opts.state, "pg")]
        self.daemon = None

    def psql(self, sql):
        return run(self.pg + ["psql", "-d", "cellchain", "-Atc", sql]).stdout

    def start_postgres(self, cluster, secrets):
        run(self.pg + ["init", "--port", str(self.o.pg_port)])
        run(self.pg + ["start"], env={**os.environ, "PGTCP_CELLCHAIN": "1"})
        data = run(self.pg + ["psql", "-Atc", "show data_directory"]).stdout.strip()
        owner = run(["stat", "-c", "%U", data]).stdout.strip()
        certs = cluster["spec"]["certificates"]
        files = {"k8s-server.crt": (certs["serverTLSSecret"], "tls.crt"),
                 "k8s-server.key": (certs["serverTLSSecret"], "tls.key"),
                 "k8s-client-ca.crt": (certs["clientCASecret"], "ca.crt")}
        for name, (secret, key) in files.items():
            shutil.copy(os.path.join(secrets, secret, key), os.path.join(data, name))
            os.chmod(os.path.join(data, name), 0o600)
            shutil.chown(os.path.join(data, name), owner)
        pg = cluster["spec"]["postgresql"]
        hba = ["local all all trust", "hostssl all postgres 127.0.0.1/32 trust"] + pg["pg_hba"]
        for name, lines in (("pg_hba.conf", hba), ("pg_ident.conf", pg["pg_ident"])):
            with open(os.path.join(data, name), "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        for setting, value in (("ssl", "on"), ("ssl_cert_file", "k8s-server.crt"),
                               ("ssl_key_file", "k8s-server.key"), ("ssl_ca_file", "k8s-client-ca.crt")):
            run(self.pg + ["psql", "-Atc", f"ALTER SYSTEM SET {setting} = '{value}'"])
        run(self.pg + ["psql", "-Atc", "SELECT pg_reload_conf()"])
        run(self.pg + ["createdb", "cellchain"])

    def serve(self, container, env, etc):
        args = [local(a, etc, self.o.pg_port) for a in container["args"]]
        log = open(os.path.join(self.o.state, "cellchaind.log"), "w", encoding="utf-8")
        self.daemon = subprocess.Popen([self.o.cellchaind] + args, env=env, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with open(log.name, encoding="utf-8") as f:
                m = re.search(r"event=server_started .*\bport=(\d+)", f.read())
            if m:
                return int(m.group(1))
            if self.daemon.poll() is not None:
                break
            time.sleep(0.2)
        with open(log.name, encoding="utf-8") as f:
            raise SystemExit(f"cellchaind did not start with the Deployment's args:\n{f.read()[-3000:]}")

    def probe(self, command, etc, grpc_port):
        cmd = [local(a, etc, self.o.pg_port, grpc_port) for a in command]
        cmd[0] = self.o.cellchain if cmd[0] == "cellchain" else cmd[0]
        env = {"PATH": os.environ.get("PATH", "/usr/bin"), "HOME": os.path.join(self.o.state, "home")}
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30)

    def stop(self):
        if self.daemon and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(timeout=30)

    def cleanup(self):
        self.stop()
        subprocess.run(self.pg + ["destroy"], capture_output=True)
        shutil.rmtree(self.o.state, ignore_errors=True)  # private keys made for the run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for flag in ("--source", "--cellchaind", "--cellchain", "--pki", "--state"):
        parser.add_argument(flag, required=True)
    parser.add_argument("--pg-port", type=int, required=True)
    o = parser.parse_args()
    kust, docs = load(os.path.join(o.source, "deploy/k8s"))
    shutil.rmtree(o.state, ignore_errors=True)
    secrets, etc = (os.path.join(o.state, d) for d in ("secrets", "etc"))
    os.makedirs(os.path.join(o.state, "home"))
    issue_certificates(docs, secrets)
    generated_secrets(kust, o.pki, secrets)
    r = Run(o)
    failures = []
    try:
        r.start_postgres(one(docs, "Cluster"), secrets)
        job = one(docs, "Job")["spec"]["template"]["spec"]
        mount(job, job["containers"][0], secrets, os.path.join(etc, "job"))
        migrate = [local(a, os.path.join(etc, "job"), o.pg_port) for a in job["containers"][0]["args"]]
        result = subprocess.run([o.cellchaind] + migrate, capture_output=True, text=True)
        print(f"migrate (the Job's args): exit {result.returncode}")
        if result.returncode != 0:
            raise SystemExit(f"the migration Job's command failed:\n{result.stderr[-3000:]}")
        deployment = one(docs, "Deployment")
        pod = deployment["spec"]["template"]["spec"]
        c = pod["containers"][0]
        mount(pod, c, secrets, os.path.join(etc, "pod"))
        env = {"PATH": os.environ.get("PATH", "/usr/bin")}
        for ref in c.get("envFrom", []):
            env.update(next(d for d in docs if d["kind"] == "ConfigMap"
                            and d["metadata"]["name"] == ref["configMapRef"]["name"])["data"])
        port = r.serve(c, env, os.path.join(etc, "pod"))
        print(f"cellchaind serve (the Deployment's args and ConfigMap) started, port {port}")
        roles = r.psql("SELECT usename || ' ' || bool_and(ssl) || ' ' || count(*) FROM pg_stat_activity "
                       "JOIN pg_stat_ssl USING (pid) WHERE usename LIKE 'cellchain\\_%' GROUP BY usename")
        logged_in = {line.split()[0] for line in roles.splitlines() if line.split()[1] == "true"}
        hba = " ".join(one(docs, "Cluster")["spec"]["postgresql"]["pg_hba"])
        wanted = {w for w in re.split(r"[ ,]", hba) if w.startswith("cellchain_")}
        print(f"roles logged in by certificate over TLS: {len(logged_in)} of {len(wanted)}")
        if logged_in != wanted:
            failures.append(f"roles logged in by certificate {sorted(logged_in)} != pg_hba's {sorted(wanted)}")
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            p = r.probe(c[kind]["exec"]["command"], os.path.join(etc, "pod"), port)
            print(f"{kind}: exit {p.returncode}, {p.stdout.strip() or p.stderr.strip()[-200:]}")
            if p.returncode != 0 or p.stdout.strip() != "SERVING":
                failures.append(f"{kind} did not answer SERVING")
        r.stop()
        p = r.probe(c["readinessProbe"]["exec"]["command"], os.path.join(etc, "pod"), port)
        print(f"readinessProbe after SIGTERM: exit {p.returncode}")
        if p.returncode == 0:
            failures.append("the readiness probe still passes once cellchaind has stopped")
    finally:
        r.cleanup()
    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
