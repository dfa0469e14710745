#!/usr/bin/env python3
"""Checks deploy/k8s offline: no cluster, no network (issue 26).

  manifests_test.py --source=DIR --cellchaind=BIN --cellchain=BIN

Every document parses; every reference resolves within the set (Secrets and
ConfigMaps mounted or read in env, the files the flags and probes name,
Services' and the PodDisruptionBudget's selectors, ports, cert-manager
Issuers and the secrets of Certificates, CloudNativePG's -rw Service in the
conninfo, the Cluster's secrets, the pg_hba roles against the migrations'
LOGIN roles); images are pinned; every cellchaind and cellchain flag is one
their --help lists (the built binaries are run); and the settings the local
HA stack proves (deploy/ha/settings.sh) are the ones the manifests use.

Then it breaks the set in memory, one reference at a time, and fails unless
each break is reported: a check that finds nothing wrong with a broken set
would prove nothing.
"""

import argparse
import copy
import glob
import os
import re
import shlex
import subprocess
import sys

import yaml

CERT_KEYS = {"tls.crt", "tls.key", "ca.crt"}
BASIC_AUTH_KEYS = {"username", "password"}
POD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job"}
MOUNT_ROOT = "/etc/cellchain/"


# --- what the manifests are checked against ----------------------------------

def help_text(binary, *command):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CELLCHAIN_")}
    return subprocess.run([binary, *command, "--help"], env=env, check=True,
                          capture_output=True, text=True).stdout


def help_flags(binary, *command):
    """{flag: required} and the environment variables of BINARY COMMAND --help."""
    out = help_text(binary, *command)
    flags, variables, last = {}, set(), None
    for line in out.splitlines():
        m = re.match(r"^  --(\[no-\])?([a-z0-9-]+)\S*(?:  \(env (\S+)\))?", line)
        if m:
            last = m.group(2)
            flags[last] = False
            if m.group(1):
                flags["no-" + last] = False
            if m.group(3):
                variables.add(m.group(3))
        elif last and "Required." in line:
            flags[last] = True
    if not flags:
        raise SystemExit(f"no flags found in `{binary} {' '.join(command)} --help`")
    return flags, variables


def read_settings(path):
    """deploy/ha/settings.sh: plain NAME=value lines (value maybe in quotes)."""
    settings = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r'^([A-Z][A-Z0-9_]*)=(.*)$', line.strip())
            if m:
                value = m.group(2)
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = value[1:-1]
                settings[m.group(1)] = value
    return settings


class Context:
    def __init__(self, source, cellchaind, cellchain):
        self.source = source
        self.serve_flags, self.serve_env = help_flags(cellchaind, "serve")
        self.migrate_flags, _ = help_flags(cellchaind, "migrate")
        self.cli_flags, _ = help_flags(cellchain)
        self.cli_has_health = re.search(r"^  health ", help_text(cellchain, "system"), re.M) is not None
        self.settings = read_settings(os.path.join(source, "deploy/ha/settings.sh"))
        with open(os.path.join(source, "CMakeLists.txt"), encoding="utf-8") as f:
            self.version = re.search(r"project\(cellchain VERSION (\S+)", f.read()).group(1)
        with open(os.path.join(source, "deploy/local/pki.sh"), encoding="utf-8") as f:
            self.signers = re.search(r"readonly SIGNERS=\(([^)]*)\)", f.read()).group(1).split()
        self.login_roles = set()
        for sql in glob.glob(os.path.join(source, "services/*/migrations/*.sql")):
            with open(sql, encoding="utf-8") as f:
                self.login_roles |= set(re.findall(r"CREATE ROLE (cellchain_\w+) LOGIN", f.read()))


# --- loading the set -----------------------------------------------------------

def load_set(k8s_dir):
    """(kustomization, [(file, document)]); parse errors are problems."""
    problems = []
    with open(os.path.join(k8s_dir, "kustomization.yaml"), encoding="utf-8") as f:
        kust = yaml.safe_load(f)
    docs = []
    listed = set(kust.get("resources", []))
    for name in sorted(listed):
        try:
            with open(os.path.join(k8s_dir, name), encoding="utf-8") as f:
                for doc in yaml.safe_load_all(f):
                    if doc is not None:
                        docs.append((name, doc))
        except (OSError, yaml.YAMLError) as e:
            problems.append(f"{name}: does not parse: {e}")
    for path in glob.glob(os.path.join(k8s_dir, "*.yaml")):
        name = os.path.basename(path)
        if name != "kustomization.yaml" and name not in listed:
            problems.append(f"{name}: not in kustomization.yaml's resources (never applied)")
    return kust, docs, problems


# --- the checks ------------------------------------------------------------------

class SetView:
    """The documents by kind, and every Secret the set makes with its keys."""

    def __init__(self, kust, docs):
        self.kust = kust
        self.namespace = kust.get("namespace")
        self.docs = docs
        self.by_kind = {}
        for file, doc in docs:
            self.by_kind.setdefault(doc.get("kind"), []).append(doc)
        # secret name -> set of keys, or None when the keys cannot be known here
        self.secrets = {}
        self.cert_of_secret = {}
        for gen in kust.get("secretGenerator", []):
            keys = {f.split("=", 1)[0] if "=" in f else os.path.basename(f)
                    for f in gen.get("files", [])}
            keys |= {lit.split("=", 1)[0] for lit in gen.get("literals", [])}
            if gen.get("envs"):
                keys = BASIC_AUTH_KEYS | keys if gen.get("type") == "kubernetes.io/basic-auth" else None
            self.secrets[gen["name"]] = keys
        for s in self.kind("Secret"):
            self.secrets[name(s)] = set(s.get("data", {})) | set(s.get("stringData", {}))
        for c in self.kind("Certificate"):
            self.secrets[c["spec"]["secretName"]] = set(CERT_KEYS)
            self.cert_of_secret[c["spec"]["secretName"]] = c
        self.configmaps = {name(c): set(c.get("data", {})) for c in self.kind("ConfigMap")}
        for gen in kust.get("configMapGenerator", []):
            self.configmaps[gen["name"]] = None

    def kind(self, kind):
        return self.by_kind.get(kind, [])

    def pods(self):
        """(owner, pod spec, labels) of every pod template."""
        for kind in POD_KINDS:
            for doc in self.kind(kind):
                template = doc["spec"]["template"]
                yield doc, template["spec"], template.get("metadata", {}).get("labels", {})


def name(doc):
    return doc.get("metadata", {}).get("name", "?")


def where(doc):
    return f"{doc.get('kind')} {name(doc)}"


def conninfo(text):
    return dict(part.split("=", 1) for part in shlex.split(text) if "=" in part)


def flag_values(args):
    """--name=value arguments as {name: value} (a bare --name has value None)."""
    out = {}
    for a in args:
        if a.startswith("--"):
            key, _, value = a[2:].partition("=")
            out[key] = value if "=" in a else None
    return out


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def probes(container):
    for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
        if kind in container:
            yield kind, container[kind]


def check_pod_references(view, problems):
    for owner, spec, labels in view.pods():
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        mounted = set()
        for c in spec.get("containers", []):
            at = f"{where(owner)} container {c['name']}"
            mounts = {}
            for m in c.get("volumeMounts", []):
                if m["name"] not in volumes:
                    problems.append(f"{at}: mounts volume {m['name']}, which the pod does not have")
                    continue
                mounted.add(m["name"])
                mounts[m["mountPath"].rstrip("/")] = volumes[m["name"]]
                if "secret" in volumes[m["name"]] and not m.get("readOnly"):
                    problems.append(f"{at}: secret volume {m['name']} is not mounted readOnly")
            for ref in c.get("envFrom", []):
                cm = ref.get("configMapRef", {}).get("name")
                if cm is not None and cm not in view.configmaps:
                    problems.append(f"{at}: envFrom ConfigMap {cm} is not in the set")
                sec = ref.get("secretRef", {}).get("name")
                if sec is not None and sec not in view.secrets:
                    problems.append(f"{at}: envFrom Secret {sec} is not in the set")
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    keys = view.secrets.get(ref["name"], "missing")
                    if keys == "missing":
                        problems.append(f"{at}: env {e['name']} reads Secret {ref['name']}, which is not in the set")
                    elif keys is not None and ref["key"] not in keys:
                        problems.append(f"{at}: env {e['name']} reads key {ref['key']} that Secret {ref['name']} does not have")
            texts = list(c.get("args", [])) + list(c.get("command", []))
            for _, p in probes(c):
                texts += p.get("exec", {}).get("command", [])
            for text in texts:
                for path in re.findall(r"/etc/cellchain/[^\s,'\"]+", str(text)):
                    check_path(view, at, path, mounts, problems)
        for v in volumes.values():
            if v["name"] not in mounted:
                problems.append(f"{where(owner)}: volume {v['name']} is mounted by no container")
            secret = v.get("secret")
            if secret:
                keys = view.secrets.get(secret["secretName"], "missing")
                if keys == "missing":
                    problems.append(f"{where(owner)}: volume {v['name']} is Secret {secret['secretName']}, which is not in the set")
                elif keys is not None:
                    for item in secret.get("items", []):
                        if item["key"] not in keys:
                            problems.append(f"{where(owner)}: volume {v['name']} takes key {item['key']} that Secret {secret['secretName']} does not have")


def mounted_files(view, volume):
    """The file names a volume shows, or None when they cannot be known."""
    secret = volume.get("secret")
    if secret is None:
        return None
    if secret.get("items"):
        return {i["path"] for i in secret["items"]}
    keys = view.secrets.get(secret["secretName"])
    return None if keys is None else set(keys)


def check_path(view, at, path, mounts, problems):
    best = max((m for m in mounts if path == m or path.startswith(m + "/")), key=len, default=None)
    if best is None:
        problems.append(f"{at}: {path} is under no volume mount")
        return
    rest = path[len(best):].lstrip("/")
    files = mounted_files(view, mounts[best])
    if rest and files is not None and rest.split("/")[0] not in files:
        problems.append(f"{at}: {path}: {rest} is not a key of the volume mounted at {best}")


def check_services_and_budgets(view, problems):
    pods = list(view.pods())
    for svc in view.kind("Service"):
        selector = svc["spec"].get("selector", {})
        matched = [(o, s) for o, s, labels in pods if selects(selector, labels)]
        if not matched:
            problems.append(f"{where(svc)}: selector {selector} selects no pod of the set")
            continue
        for port in svc["spec"].get("ports", []):
            target = port.get("targetPort", port["port"])
            found = any((p.get("name") == target or p.get("containerPort") == target)
                        for _, s in matched for c in s["containers"] for p in c.get("ports", []))
            if not found:
                problems.append(f"{where(svc)}: targetPort {target} is no container port of the pods it selects")
    for owner in (o for o in view.kind("Deployment")):
        labels = owner["spec"]["template"]["metadata"].get("labels", {})
        if not selects(owner["spec"]["selector"].get("matchLabels", {}), labels):
            problems.append(f"{where(owner)}: its selector does not match its own pod template's labels")
    for pdb in view.kind("PodDisruptionBudget"):
        selector = pdb["spec"].get("selector", {}).get("matchLabels", {})
        matched = [o for o, _, labels in pods if selects(selector, labels)]
        if not matched:
            problems.append(f"{where(pdb)}: PodDisruptionBudget selector {selector} selects no pod of the set")
        for o in matched:
            if o.get("kind") == "Deployment" and pdb["spec"].get("minAvailable", 0) >= o["spec"].get("replicas", 1):
                problems.append(f"{where(pdb)}: minAvailable leaves no pod of {where(o)} to evict")


def check_certificates(view, problems):
    issuers = {name(i): i for i in view.kind("Issuer")}
    ca_secrets = {c["spec"]["secretName"] for c in view.kind("Certificate") if c["spec"].get("isCA")}
    used = set()
    for i in issuers.values():
        ca = i["spec"].get("ca", {}).get("secretName")
        if ca is not None:
            used.add(ca)
            if ca not in ca_secrets:
                problems.append(f"{where(i)}: CA secret {ca} is no CA Certificate's secret in the set")
    for c in view.kind("Certificate"):
        ref = c["spec"]["issuerRef"]
        if ref.get("kind", "Issuer") != "Issuer" or ref["name"] not in issuers:
            problems.append(f"{where(c)}: issuer {ref.get('kind', 'Issuer')} {ref['name']} is not in the set")
        for dns in c["spec"].get("dnsNames", []):
            parts = dns.split(".")
            if len(parts) >= 3 and parts[2] == "svc" and parts[1] != view.namespace:
                problems.append(f"{where(c)}: dnsName {dns} is not in namespace {view.namespace}")
    for _, spec, _ in view.pods():
        used |= {v["secret"]["secretName"] for v in spec.get("volumes", []) if "secret" in v}
    for cl in view.kind("Cluster"):
        used |= set(cl["spec"].get("certificates", {}).values())
    for c in view.kind("Certificate"):
        if c["spec"]["secretName"] not in used:
            problems.append(f"{where(c)}: its secret {c['spec']['secretName']} is used by no pod, Issuer or Cluster")


def check_images(view, ctx, problems):
    images = [(f"{where(o)} container {c['name']}", c["image"])
              for o, s, _ in view.pods() for c in s.get("containers", []) + s.get("initContainers", [])]
    images += [(where(cl), cl["spec"].get("imageName", "")) for cl in view.kind("Cluster")]
    for at, image in images:
        m = re.match(r"^(?P<repo>[^@]+?)(?::(?P<tag>[^:/@]+))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?$", image)
        if not m or (not m.group("tag") and not m.group("digest")):
            problems.append(f"{at}: image {image!r} is not pinned (no tag or digest)")
        elif m.group("tag") == "latest":
            problems.append(f"{at}: image {image} is :latest, not pinned")
        elif m.group("repo").endswith("/cellchaind") and m.group("tag") != ctx.version:
            problems.append(f"{at}: image {image} is not the project's version {ctx.version} (CMakeLists.txt)")
        elif m.group("repo").endswith("/postgresql") and not (m.group("tag") or "").startswith("15."):
            problems.append(f"{at}: image {image} is not PostgreSQL 15, which cellchain runs")


def check_flags(view, ctx, problems):
    for owner, spec, _ in view.pods():
        for c in spec.get("containers", []):
            at = f"{where(owner)} container {c['name']}"
            if not c["image"].split("@")[0].rsplit(":", 1)[0].endswith("/cellchaind"):
                continue
            args = c.get("args", [])
            known = {"serve": ctx.serve_flags, "migrate": ctx.migrate_flags}.get(args[0] if args else None)
            if known is None:
                problems.append(f"{at}: args start with {args[:1]}, not serve or migrate")
                continue
            given = flag_values(args[1:])
            for flag in given:
                if flag not in known:
                    problems.append(f"{at}: --{flag} is not a flag of `cellchaind {args[0]} --help`")
            variables = set()
            for ref in c.get("envFrom", []):
                variables |= set(view.configmaps.get(ref.get("configMapRef", {}).get("name"), set()) or ())
            variables |= {e["name"] for e in c.get("env", []) if e["name"].startswith("CELLCHAIN_")}
            for var in variables:
                if args[0] == "serve" and var not in ctx.serve_env:
                    problems.append(f"{at}: {var} is not a variable of `cellchaind serve --help`")
            for flag, required in known.items():
                var = "CELLCHAIN_" + flag.upper().replace("-", "_")
                if required and flag not in given and var not in variables:
                    problems.append(f"{at}: --{flag} is required by `cellchaind {args[0]}` and not given")
            for _, p in probes(c):
                cmd = p.get("exec", {}).get("command", [])
                if cmd[:1] == ["cellchain"]:
                    for flag in flag_values(cmd[1:]):
                        if flag not in ctx.cli_flags:
                            problems.append(f"{at}: probe's --{flag} is not a flag of `cellchain --help`")


def check_postgres(view, ctx, problems):
    clusters = view.kind("Cluster")
    if len(clusters) != 1:
        problems.append(f"expected one CloudNativePG Cluster, found {len(clusters)}")
        return
    cl = clusters[0]
    spec = cl["spec"]
    rw = name(cl) + "-rw"
    rw_names = {rw, f"{rw}.{view.namespace}.svc", f"{rw}.{view.namespace}.svc.cluster.local"}
    if spec.get("instances") != 3:
        problems.append(f"{where(cl)}: instances {spec.get('instances')}, not 3")
    for key in ("superuserSecret",):
        if key in spec and spec[key]["name"] not in view.secrets:
            problems.append(f"{where(cl)}: {key} {spec[key]['name']} is not in the set")
    certs = spec.get("certificates", {})
    for key, secret in certs.items():
        cert = view.cert_of_secret.get(secret)
        if cert is None:
            problems.append(f"{where(cl)}: certificates.{key} {secret} is no Certificate's secret in the set")
        elif "cnpg.io/reload" not in cert["spec"].get("secretTemplate", {}).get("labels", {}):
            problems.append(f"{where(cl)}: certificates.{key} {secret} lacks the label cnpg.io/reload: PostgreSQL would keep a renewed certificate's old copy")
    s3 = spec.get("backup", {}).get("barmanObjectStore", {}).get("s3Credentials", {})
    for key, ref in s3.items():
        keys = view.secrets.get(ref["name"], "missing")
        if keys == "missing":
            problems.append(f"{where(cl)}: s3Credentials.{key} Secret {ref['name']} is not in the set")
    for sb in view.kind("ScheduledBackup"):
        if sb["spec"]["cluster"]["name"] != name(cl):
            problems.append(f"{where(sb)}: backs up cluster {sb['spec']['cluster']['name']}, not {name(cl)}")
        if sb["spec"].get("method", "barmanObjectStore") == "barmanObjectStore" and not s3:
            problems.append(f"{where(sb)}: method barmanObjectStore but the Cluster has no barmanObjectStore")
    if not view.kind("ScheduledBackup"):
        problems.append("no ScheduledBackup: base backups are never taken")
    # Who may log in as the services' roles, and with which certificate.
    pg = spec.get("postgresql", {})
    hba_roles, maps = set(), set()
    for line in pg.get("pg_hba", []):
        fields = line.split()
        if fields[0] == "hostssl" and fields[4] == "cert":
            hba_roles |= set(fields[2].split(","))
            maps |= {f.split("=", 1)[1] for f in fields[5:] if f.startswith("map=")}
    if hba_roles != ctx.login_roles:
        problems.append(f"{where(cl)}: pg_hba's cert roles {sorted(hba_roles ^ ctx.login_roles)} differ from the migrations' LOGIN roles")
    ident = {}
    for line in pg.get("pg_ident", []):
        m, system_user, role = line.split()
        ident.setdefault((m, system_user), set()).add(role)
    server_cert = view.cert_of_secret.get(certs.get("serverTLSSecret"))
    client_ca = certs.get("clientCASecret")
    issuer_ca = {name(i): i["spec"].get("ca", {}).get("secretName") for i in view.kind("Issuer")}
    for owner, pod, _ in view.pods():
        mounts = {}
        for c in pod.get("containers", []):
            for m in c.get("volumeMounts", []):
                mounts[m["mountPath"]] = next((v for v in pod.get("volumes", []) if v["name"] == m["name"]), {})
            for flag, value in flag_values(c.get("args", [])).items():
                if flag != "pg" or value is None:
                    continue
                at = f"{where(owner)} --pg"
                info = conninfo(value)
                for host in info.get("host", "").split(","):
                    if host not in rw_names:
                        problems.append(f"{at}: host {host} is not the Cluster's primary Service {rw}")
                    elif info.get("sslmode") == "verify-full" and server_cert and host not in server_cert["spec"].get("dnsNames", []):
                        problems.append(f"{at}: host {host} is not in PostgreSQL's certificate, verify-full fails")
                if "user" not in info:  # cellchaind serve: each role, by certificate
                    cert = cert_at(view, mounts, info.get("sslcert"))
                    if cert is None:
                        problems.append(f"{at}: sslcert is no Certificate's secret in the set")
                        continue
                    if issuer_ca.get(cert["spec"]["issuerRef"]["name"]) != client_ca:
                        problems.append(f"{at}: its client certificate is not issued by the Cluster's client CA {client_ca}")
                    allowed = set()
                    for mname in maps:
                        allowed |= ident.get((mname, cert["spec"].get("commonName")), set())
                    if allowed != ctx.login_roles:
                        problems.append(f"{at}: CN={cert['spec'].get('commonName')} may log in as {sorted(allowed)} (pg_ident), not every service role {sorted(ctx.login_roles)}")
                elif info["user"] == "postgres" and not spec.get("enableSuperuserAccess"):
                    problems.append(f"{at}: logs in as postgres but the Cluster disables superuser access")
                root = cert_at(view, mounts, info.get("sslrootcert"))
                if root is None or server_cert is None or root["spec"]["issuerRef"] != server_cert["spec"]["issuerRef"]:
                    problems.append(f"{at}: sslrootcert is not the CA of PostgreSQL's server certificate")


def cert_at(view, mounts, path):
    """The Certificate whose secret is mounted where PATH lies, or None."""
    if not path:
        return None
    for mount, volume in mounts.items():
        if path.startswith(mount.rstrip("/") + "/") and "secret" in volume:
            return view.cert_of_secret.get(volume["secret"]["secretName"])
    return None


def check_cellchaind(view, ctx, problems):
    """TLS, keys and probes of the serving Deployment."""
    serving = [(o, s, c) for o, s, _ in view.pods() for c in s.get("containers", [])
               if c.get("args", [None])[0] == "serve"]
    if not serving:
        problems.append("no container runs `cellchaind serve`")
    for owner, pod, c in serving:
        at = f"{where(owner)} container {c['name']}"
        flags = flag_values(c["args"][1:])
        ports = {p["containerPort"] for p in c.get("ports", [])}
        listen_port = int(flags.get("listen", ":7443").rsplit(":", 1)[1])
        if listen_port not in ports:
            problems.append(f"{at}: --listen port {listen_port} is no container port")
        mounts = {m["mountPath"]: next(v for v in pod["volumes"] if v["name"] == m["name"])
                  for m in c.get("volumeMounts", []) if any(v["name"] == m["name"] for v in pod.get("volumes", []))}
        tls = cert_at(view, mounts, flags.get("tls-cert"))
        if tls is None:
            problems.append(f"{at}: --tls-cert is no cert-manager Certificate's secret")
        else:
            for svc in view.kind("Service"):
                if selects(svc["spec"].get("selector", {}), owner["spec"]["template"]["metadata"].get("labels", {})):
                    for dns in (name(svc), f"{name(svc)}.{view.namespace}.svc"):
                        if dns not in tls["spec"].get("dnsNames", []):
                            problems.append(f"{at}: {dns} is not in its certificate's dnsNames")
        signing_dir = flags.get("signing-key-dir")
        files = None
        for mount, volume in mounts.items():
            if signing_dir and mount.rstrip("/") == signing_dir.rstrip("/"):
                files = mounted_files(view, volume)
        if files is None:
            problems.append(f"{at}: --signing-key-dir {signing_dir} is not a Secret mounted whole")
        else:
            for needed in [s + ".key" for s in ctx.signers] + ["sequencer.pub"]:
                if needed not in files:
                    problems.append(f"{at}: {needed} missing from the signing keys' Secret (deploy/local/pki.sh SIGNERS)")
        kinds = dict(probes(c))
        for kind in ("readinessProbe", "livenessProbe"):
            if kind not in kinds:
                problems.append(f"{at}: no {kind}")
        for kind, p in kinds.items():
            cmd = p.get("exec", {}).get("command", [])
            if cmd[:1] != ["cellchain"] or cmd[-2:] != ["system", "health"] or not ctx.cli_has_health:
                problems.append(f"{at}: {kind} is not `cellchain ... system health` (grpc.health.v1 over mTLS)")
                continue
            target = flag_values(cmd[1:]).get("target", "")
            host, _, port = target.rpartition(":")
            if not port.isdigit() or int(port) != listen_port:
                problems.append(f"{at}: {kind} calls {target}, not --listen's port {listen_port}")
            if tls is not None and host not in tls["spec"].get("ipAddresses", []) + tls["spec"].get("dnsNames", []):
                problems.append(f"{at}: {kind} calls {host}, which its certificate does not name")
            probe_cert = cert_at(view, mounts, flag_values(cmd[1:]).get("cert"))
            if probe_cert is not None and "client auth" not in probe_cert["spec"].get("usages", []):
                problems.append(f"{at}: {kind}'s client certificate lacks the client auth usage")


def check_settings(view, ctx, problems):
    """deploy/ha/settings.sh's proven settings, repeated here."""
    s = ctx.settings
    for needed in ("HA_SYNCHRONOUS_MODE", "HA_SYNCHRONOUS_MODE_STRICT", "HA_SYNCHRONOUS_NODE_COUNT",
                   "HA_SYNCHRONOUS_COMMIT", "HA_PG_CONNINFO_PARAMS", "HA_CELLCHAIND_REPLICAS",
                   "HA_CELLCHAIND_SERVICES", "HA_HEALTH_PROTOCOL", "HA_HEALTH_PERIOD_SECONDS"):
        if needed not in s:
            problems.append(f"deploy/ha/settings.sh has no {needed}")
            return
    for cl in view.kind("Cluster"):
        sync = cl["spec"].get("postgresql", {}).get("synchronous")
        if s["HA_SYNCHRONOUS_MODE"] == "true":
            if not sync:
                problems.append(f"{where(cl)}: no postgresql.synchronous, but HA_SYNCHRONOUS_MODE=true")
                continue
            if str(sync.get("number")) != s["HA_SYNCHRONOUS_NODE_COUNT"]:
                problems.append(f"{where(cl)}: synchronous.number {sync.get('number')} != HA_SYNCHRONOUS_NODE_COUNT {s['HA_SYNCHRONOUS_NODE_COUNT']}")
            want = "required" if s["HA_SYNCHRONOUS_MODE_STRICT"] == "true" else "preferred"
            if sync.get("dataDurability", "required") != want:
                problems.append(f"{where(cl)}: synchronous.dataDurability {sync.get('dataDurability')} but HA_SYNCHRONOUS_MODE_STRICT={s['HA_SYNCHRONOUS_MODE_STRICT']} means {want}")
        delay = str(cl["spec"].get("failoverDelay", 0))
        if s.get("HA_PRIMARY_START_TIMEOUT", delay) != delay:
            problems.append(f"{where(cl)}: failoverDelay {delay} != HA_PRIMARY_START_TIMEOUT {s['HA_PRIMARY_START_TIMEOUT']}")
        commit = str(cl["spec"].get("postgresql", {}).get("parameters", {}).get("synchronous_commit", "on"))
        if commit != s["HA_SYNCHRONOUS_COMMIT"]:
            problems.append(f"{where(cl)}: synchronous_commit {commit} != HA_SYNCHRONOUS_COMMIT {s['HA_SYNCHRONOUS_COMMIT']}")
    proven = conninfo(s["HA_PG_CONNINFO_PARAMS"])
    for owner, pod, _ in view.pods():
        for c in pod.get("containers", []):
            flags = flag_values(c.get("args", []))
            if flags.get("pg"):
                info = conninfo(flags["pg"])
                for key, value in proven.items():
                    if info.get(key) != value:
                        problems.append(f"{where(owner)} --pg: {key}={info.get(key)}, but HA_PG_CONNINFO_PARAMS has {key}={value}")
            if c.get("args", [None])[0] != "serve":
                continue
            if owner["spec"].get("replicas", 1) < int(s["HA_CELLCHAIND_REPLICAS"]):
                problems.append(f"{where(owner)}: replicas {owner['spec'].get('replicas', 1)} < HA_CELLCHAIND_REPLICAS {s['HA_CELLCHAIND_REPLICAS']}")
            if flags.get("services", "all") != s["HA_CELLCHAIND_SERVICES"]:
                problems.append(f"{where(owner)}: --services={flags.get('services')} != HA_CELLCHAIND_SERVICES {s['HA_CELLCHAIND_SERVICES']}")
            if s["HA_HEALTH_PROTOCOL"] != "grpc.health.v1":
                problems.append(f"HA_HEALTH_PROTOCOL {s['HA_HEALTH_PROTOCOL']}: the probes call grpc.health.v1")
            ready = c.get("readinessProbe", {})
            if str(ready.get("periodSeconds", 10)) != s["HA_HEALTH_PERIOD_SECONDS"]:
                problems.append(f"{where(owner)}: readinessProbe periodSeconds {ready.get('periodSeconds', 10)} != HA_HEALTH_PERIOD_SECONDS {s['HA_HEALTH_PERIOD_SECONDS']}")


def check(kust, docs, ctx):
    problems = []
    for file, doc in docs:
        for key in ("apiVersion", "kind"):
            if key not in doc:
                problems.append(f"{file}: a document without {key}")
        if "name" not in doc.get("metadata", {}):
            problems.append(f"{file}: a {doc.get('kind')} without metadata.name")
    if problems:
        return problems
    view = SetView(kust, docs)
    if view.namespace not in {name(n) for n in view.kind("Namespace")}:
        problems.append(f"kustomization.yaml: namespace {view.namespace} is not created by the set")
    check_pod_references(view, problems)
    check_services_and_budgets(view, problems)
    check_certificates(view, problems)
    check_images(view, ctx, problems)
    check_flags(view, ctx, problems)
    check_postgres(view, ctx, problems)
    check_cellchaind(view, ctx, problems)
    check_settings(view, ctx, problems)
    return problems


# --- breaking the set, to see each check fail --------------------------------------

def find(docs, kind, doc_name):
    for _, doc in docs:
        if doc.get("kind") == kind and name(doc) == doc_name:
            return doc
    raise SystemExit(f"mutation: no {kind} {doc_name} in the set")


def container(docs, kind, doc_name):
    return find(docs, kind, doc_name)["spec"]["template"]["spec"]["containers"][0]


def set_arg(c, flag, value):
    c["args"] = [f"--{flag}={value}" if a.startswith(f"--{flag}=") else a for a in c["args"]]


def volume(docs, kind, doc_name, vol):
    return next(v for v in find(docs, kind, doc_name)["spec"]["template"]["spec"]["volumes"] if v["name"] == vol)


def pg_arg(docs):
    return next(a for a in container(docs, "Deployment", "cellchaind")["args"] if a.startswith("--pg="))


MUTATIONS = [
    ("a Secret volume names a Secret the set does not make", "Secret cellchain-signing-key,",
     lambda k, d: volume(d, "Deployment", "cellchaind", "signing")["secret"].update(secretName="cellchain-signing-key")),
    ("the Service selects no pod", "selects no pod",
     lambda k, d: find(d, "Service", "cellchaind")["spec"]["selector"].update({"app.kubernetes.io/name": "cellchain-d"})),
    ("the Service's targetPort names no container port", "targetPort grcp",
     lambda k, d: find(d, "Service", "cellchaind")["spec"]["ports"][0].update(targetPort="grcp")),
    ("the PodDisruptionBudget selects no pod", "PodDisruptionBudget selector",
     lambda k, d: find(d, "PodDisruptionBudget", "cellchaind")["spec"]["selector"]["matchLabels"].update({"app.kubernetes.io/name": "x"})),
    ("--pg names another host than the Cluster's -rw Service", "host cellchain-postgres-rw",
     lambda k, d: set_arg(container(d, "Deployment", "cellchaind"), "pg", pg_arg(d)[5:].replace("cellchain-pg-rw", "cellchain-postgres-rw"))),
    ("cellchaind's image is :latest", ":latest",
     lambda k, d: container(d, "Deployment", "cellchaind").update(image="cellchain/cellchaind:latest")),
    ("an image has no tag", "not pinned",
     lambda k, d: find(d, "Cluster", "cellchain-pg")["spec"].update(imageName="ghcr.io/cloudnative-pg/postgresql")),
    ("a flag serve --help does not list", "--pg-pool is not a flag",
     lambda k, d: container(d, "Deployment", "cellchaind")["args"].append("--pg-pool=8")),
    ("a Certificate's Issuer is not in the set", "issuer Issuer cellchain-ca-issuer",
     lambda k, d: find(d, "Certificate", "cellchaind-tls")["spec"]["issuerRef"].update(name="cellchain-ca-issuer")),
    ("a Certificate's secret is used by nothing (renamed)", "cellchaind-pg-client",
     lambda k, d: find(d, "Certificate", "cellchaind-pg-client")["spec"].update(secretName="cellchaind-pg-cert")),
    ("a file a flag names is not in its Secret", "field-key is not a key",
     lambda k, d: set_arg(container(d, "Deployment", "cellchaind"), "field-key-file", "/etc/cellchain/field-keys/field-key")),
    ("a service's signing key is missing", "qc.key missing",
     lambda k, d: next(g for g in k["secretGenerator"] if g["name"] == "cellchain-signing-keys")["files"].remove("qc.key=secrets/signing/qc.key")),
    ("a migration's LOGIN role may not log in", "cellchain_system",
     lambda k, d: find(d, "Cluster", "cellchain-pg")["spec"]["postgresql"]["pg_ident"].pop()),
    ("the ScheduledBackup backs up another cluster", "backs up cluster cellchain-db",
     lambda k, d: find(d, "ScheduledBackup", "cellchain-pg-daily")["spec"]["cluster"].update(name="cellchain-db")),
    ("connect_timeout differs from the HA stack's", "connect_timeout=99",
     lambda k, d: set_arg(container(d, "Deployment", "cellchaind"), "pg", re.sub(r"connect_timeout=\d+", "connect_timeout=99", pg_arg(d)[5:]))),
    ("synchronous replication is not strict", "dataDurability preferred",
     lambda k, d: find(d, "Cluster", "cellchain-pg")["spec"]["postgresql"]["synchronous"].update(dataDurability="preferred")),
    ("the failover waits where the HA stack fails over at once", "failoverDelay 30",
     lambda k, d: find(d, "Cluster", "cellchain-pg")["spec"].update(failoverDelay=30)),
    ("the readiness probe's period differs from the HA stack's", "readinessProbe periodSeconds 5",
     lambda k, d: container(d, "Deployment", "cellchaind")["readinessProbe"].update(periodSeconds=5)),
    ("a renewed PostgreSQL certificate would not be reloaded", "lacks the label cnpg.io/reload",
     lambda k, d: find(d, "Certificate", "cellchain-pg-server")["spec"].pop("secretTemplate")),
    ("the migration Job reads a key its Secret lacks", "reads key pass ",
     lambda k, d: container(d, "Job", "cellchaind-migrate")["env"][0]["valueFrom"]["secretKeyRef"].update(key="pass")),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True, help="the cellchain checkout")
    parser.add_argument("--cellchaind", required=True, help="the built cellchaind")
    parser.add_argument("--cellchain", required=True, help="the built cellchain CLI")
    opts = parser.parse_args()
    ctx = Context(opts.source, opts.cellchaind, opts.cellchain)
    kust, docs, problems = load_set(os.path.join(opts.source, "deploy/k8s"))
    problems += check(kust, docs, ctx)
    for p in problems:
        print(f"FAIL: {p}")
    kinds = sorted({d.get("kind", "?") for _, d in docs})
    print(f"deploy/k8s: {len(docs)} documents ({', '.join(kinds)}): {len(problems)} problem(s)")
    if problems:
        return 1  # the breaks below are made to a set that passes
    missed = 0
    for what, expected, mutate in MUTATIONS:
        k, d = copy.deepcopy(kust), copy.deepcopy(docs)
        mutate(k, d)
        found = check(k, d, ctx)
        if any(expected in p for p in found):
            print(f"broken on purpose, caught: {what}")
        else:
            missed += 1
            print(f"FAIL: broken on purpose, NOT caught: {what} (expected a problem with {expected!r}; got {found})")
    return 1 if problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())
