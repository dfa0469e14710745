#!/usr/bin/env python3
"""The container image deploy/k8s runs (cellchain/cellchaind:<version>), as an
OCI image layout, made offline from the build: no registry, no base image, no
container engine (issue 26; docs/operations.md, "Kubernetes").

One layer holding /usr/local/bin/cellchaind and /usr/local/bin/cellchain (the
probes' client; debug info stripped), every shared library `ldd` lists for
them, the dynamic loader, each library's Debian copyright file, /etc/passwd
and /etc/group naming the Deployment's user 65532, /etc/nsswitch.conf and
/tmp. Entrypoint cellchaind, PATH /usr/local/bin, user 65532:65532. The layer
is a tar with sorted names, owner 0 and one mtime (SOURCE_DATE_EPOCH, else
the commit's time), so the same build gives the same digest.

usage: deploy/k8s/image.py [--build-dir build] [--out build/image]
                           [--tag VERSION] [--check [--health ...]]
  --out      the OCI image layout written (replaced): oci-layout, index.json,
             blobs/sha256/...; push it with
             `skopeo copy oci:OUT:TAG docker://REGISTRY/cellchain/cellchaind:TAG`
  --tag      the image's tag (default: project(VERSION) in CMakeLists.txt)
  --check    then read the layout back (every digest and size), unpack the
             layer and run, as root, `chroot --userspec=65532:65532` the two
             binaries' --help inside it: they must start with no file of
             this machine's but the layer's. Exit 1 on any failure.
  --health TARGET CA CERT KEY
             with --check: `cellchain system health` in the image against a
             running cellchaind (the probes' command) must print SERVING.
"""
import argparse
import datetime
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARIES = ("cellchaind", "cellchain")
USER = 65532
FILES = {
    "etc/passwd": "root:x:0:0:root:/root:/usr/sbin/nologin\n"
                  f"cellchain:x:{USER}:{USER}:cellchain:/nonexistent:/usr/sbin/nologin\n",
    "etc/group": f"root:x:0:\ncellchain:x:{USER}:\n",
    "etc/nsswitch.conf": "passwd: files\ngroup: files\nhosts: files dns\n",
}


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"project\([^)]*VERSION\s+([0-9][0-9.]*)", f.read())
    if not m:
        sys.exit("image.py: no project(... VERSION x.y.z) in CMakeLists.txt")
    return m.group(1)


def git(*args):
    return subprocess.run(["git", "-C", ROOT, *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def shared_libraries(binary):
    """Absolute paths `ldd BINARY` resolves (the loader included)."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    paths = []
    for line in out.splitlines():
        if "not found" in line:
            sys.exit(f"image.py: {binary}: {line.strip()}")
        m = re.search(r"(?:=>\s*)?(/\S+)\s+\(0x", line)
        if m:
            paths.append(m.group(1))
    return paths


def copyright_files(libraries):
    """/usr/share/doc/<package>/copyright of the Debian packages owning them."""
    found = set()
    for lib in libraries:
        real = os.path.realpath(lib)
        for path in (lib, real, "/usr" + real if not real.startswith("/usr/") else real):
            r = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True)
            if r.returncode == 0:
                pkg = r.stdout.split(":")[0].strip()
                doc = f"/usr/share/doc/{pkg}/copyright"
                if os.path.isfile(doc):
                    found.add(doc)
                break
    return sorted(found)


def stage(build_dir, rootfs):
    """Fills ROOTFS; returns the list of library paths copied."""
    bindir = os.path.join(rootfs, "usr/local/bin")
    os.makedirs(bindir)
    libraries = set()
    for name in BINARIES:
        src = os.path.join(build_dir, "bin", name)
        if not os.access(src, os.X_OK):
            sys.exit(f"image.py: {src} missing: build cellchaind and cellchain first")
        dst = os.path.join(bindir, name)
        subprocess.run(["objcopy", "--strip-debug", src, dst], check=True)
        os.chmod(dst, 0o755)
        libraries.update(shared_libraries(src))
    for lib in sorted(libraries):
        dst = os.path.join(rootfs, lib.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(os.path.realpath(lib), dst)
        os.chmod(dst, 0o755)
    for doc in copyright_files(libraries):
        dst = os.path.join(rootfs, doc.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(doc, dst)
        os.chmod(dst, 0o644)
    for rel, text in FILES.items():
        path = os.path.join(rootfs, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o644)
    os.makedirs(os.path.join(rootfs, "tmp"))
    os.chmod(os.path.join(rootfs, "tmp"), 0o1777)
    return sorted(libraries)


def layer_tar(rootfs, mtime):
    """The rootfs as a reproducible tar (bytes)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        entries = []
        for dirpath, dirnames, filenames in os.walk(rootfs):
            dirnames.sort()
            for name in dirnames + sorted(filenames):
                entries.append(os.path.join(dirpath, name))
        for path in sorted(entries, key=lambda p: os.path.relpath(p, rootfs)):
            info = tar.gettarinfo(path, arcname=os.path.relpath(path, rootfs))
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            info.mtime = mtime
            info.pax_headers = {}
            if info.isfile():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def put_blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(out, "blobs/sha256", digest), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + digest, "size": len(data)}


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def write_layout(out, layer, tag, mtime, revision):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "blobs/sha256"))
    layer_desc = put_blob(out, layer)
    created = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    labels = {"org.opencontainers.image.title": "cellchaind",
              "org.opencontainers.image.version": tag,
              "org.opencontainers.image.revision": revision}
    config = {
        "architecture": "amd64", "os": "linux", "created": created,
        "config": {"User": f"{USER}:{USER}", "Entrypoint": ["/usr/local/bin/cellchaind"],
                   "Env": ["PATH=/usr/local/bin:/usr/bin:/bin"], "WorkingDir": "/",
                   "ExposedPorts": {"7443/tcp": {}}, "Labels": labels},
        "rootfs": {"type": "layers", "diff_ids": [layer_desc["digest"]]},
        "history": [{"created": created, "created_by": "deploy/k8s/image.py"}],
    }
    config_desc = put_blob(out, canonical(config))
    manifest = {
        "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config_desc},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", **layer_desc}],
        "annotations": labels,
    }
    manifest_desc = put_blob(out, canonical(manifest))
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            **manifest_desc,
                            "annotations": {"org.opencontainers.image.ref.name": tag}}]}
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(canonical(index))
    with open(os.path.join(out, "oci-layout"), "w", encoding="utf-8") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return manifest_desc


def read_blob(out, desc):
    algo, digest = desc["digest"].split(":")
    with open(os.path.join(out, "blobs", algo, digest), "rb") as f:
        data = f.read()
    if algo != "sha256" or hashlib.sha256(data).hexdigest() != digest or len(data) != desc["size"]:
        raise ValueError(f"blob {desc['digest']}: digest or size does not match")
    return data


def check(out, tag, health=None):
    """Reads OUT back and runs the binaries in the unpacked layer; problems.
    `health`: (TARGET, CA, CERT, KEY), for `cellchain system health` too."""
    problems = []
    with open(os.path.join(out, "index.json"), "rb") as f:
        index = json.load(f)
    (entry,) = index["manifests"]
    if entry["annotations"]["org.opencontainers.image.ref.name"] != tag:
        problems.append(f"index.json: tag is not {tag}")
    manifest = json.loads(read_blob(out, entry))
    config = json.loads(read_blob(out, manifest["config"]))
    (layer_desc,) = manifest["layers"]
    layer = read_blob(out, layer_desc)
    if config["rootfs"]["diff_ids"] != [layer_desc["digest"]]:
        problems.append("config: diff_ids do not name the layer")
    if os.geteuid() != 0:
        return problems + ["--check runs the binaries with chroot: run it as root"]
    with tempfile.TemporaryDirectory(prefix="cellchain-image-") as root:
        with tarfile.open(fileobj=io.BytesIO(layer)) as tar:
            tar.extractall(root)
        os.chmod(root, 0o755)
        for name, args in (("cellchaind", ["serve", "--help"]),
                           ("cellchaind", ["migrate", "--help"]),
                           ("cellchain", ["--help"])):
            cmd = [shutil.which("chroot") or "/usr/sbin/chroot", f"--userspec={USER}:{USER}",
                   root, "/usr/local/bin/" + name, *args]
            r = subprocess.run(cmd, capture_output=True, text=True,
                               env={"PATH": config["config"]["Env"][0].split("=", 1)[1]})
            if r.returncode != 0 or "Usage" not in r.stdout + r.stderr:
                problems.append(f"{' '.join(cmd[3:])} in the image: exit {r.returncode}: "
                                f"{(r.stderr or r.stdout).strip()[:300]}")
            else:
                print(f"image.py: ok: {' '.join(cmd[3:])} runs in the image as {USER}")
        if health:
            problems += probe_health(root, health)
    return problems


def probe_health(root, health):
    """`cellchain system health` in ROOT against a running cellchaind, with
    this machine's /etc/hosts and /etc/resolv.conf (the kubelet mounts a
    pod's own there) and the given CA and client certificate."""
    target, *files = health
    os.makedirs(os.path.join(root, "etc/cellchain"))
    for src in ("/etc/hosts", "/etc/resolv.conf"):
        if os.path.exists(src):
            shutil.copyfile(src, os.path.join(root, src.lstrip("/")))
    inside = []
    for src, name in zip(files, ("ca.crt", "tls.crt", "tls.key")):
        shutil.copyfile(src, os.path.join(root, "etc/cellchain", name))
        os.chmod(os.path.join(root, "etc/cellchain", name), 0o644)
        inside.append("/etc/cellchain/" + name)
    cmd = [shutil.which("chroot") or "/usr/sbin/chroot", f"--userspec={USER}:{USER}", root,
           "/usr/local/bin/cellchain", f"--target={target}", f"--ca={inside[0]}",
           f"--cert={inside[1]}", f"--key={inside[2]}", "--deadline=3s", "system", "health"]
    r = subprocess.run(cmd, capture_output=True, text=True, env={"PATH": "/usr/local/bin"})
    if r.returncode != 0 or r.stdout.strip() != "SERVING":
        return [f"cellchain system health against {target} in the image: exit {r.returncode}: "
                f"{(r.stderr or r.stdout).strip()[:300]}"]
    print(f"image.py: ok: cellchain system health in the image: {target} SERVING")
    return []


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    ap.add_argument("--out", default=None)
    ap.add_argument("--tag", default=None)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--health", nargs=4, metavar=("TARGET", "CA", "CERT", "KEY"))
    a = ap.parse_args()
    tag = a.tag or project_version()
    out = a.out or os.path.join(a.build_dir, "image")
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct"))
    revision = git("rev-parse", "HEAD")
    with tempfile.TemporaryDirectory(prefix="cellchain-rootfs-") as rootfs:
        libraries = stage(a.build_dir, rootfs)
        layer = layer_tar(rootfs, mtime)
    manifest = write_layout(out, layer, tag, mtime, revision)
    print(f"image.py: {out}: cellchain/cellchaind:{tag}, manifest {manifest['digest']}, "
          f"one layer of {len(layer) / 2**20:.1f} MiB ({len(libraries)} shared libraries)")
    if a.check:
        problems = check(out, tag, a.health)
        for p in problems:
            print("image.py: FAILED: " + p, file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
