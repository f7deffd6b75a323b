#!/usr/bin/env python3
"""Writes the rule fixtures: testdata/rules/<rule-id>/{fail,pass}.yaml.

Each fixture is `helm template` output of a guest-book chart (release
guestbook-stable), varied to trigger - or not - one rule. Optional files per
variant: <variant>.Chart.yaml (replaces Chart.yaml) and <variant>.case.yaml
(release, files, lock, subcharts, config, charts = further charts of the run).
Run it from anywhere; it rewrites the fixtures deterministically."""
import copy
import os

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REL = "guestbook-stable"

CHART = {
    "apiVersion": "v2", "name": "guestbook", "description": "Guest book: web front end and database",
    "type": "application", "version": "1.5.5", "appVersion": "1.5.5",
}


def labels(component, extra=None):
    out = {
        "app.kubernetes.io/name": f"guestbook-{component}",
        "app.kubernetes.io/instance": REL,
        "app.kubernetes.io/version": "1.5.5",
        "app.kubernetes.io/part-of": "guestbook",
        "app.kubernetes.io/managed-by": "Helm",
        "helm.sh/chart": "guestbook-1.5.5",
        "appver": "1.5.5",
    }
    out.update(extra or {})
    return out


def selector(component):
    return {"app.kubernetes.io/name": f"guestbook-{component}", "app.kubernetes.io/instance": REL}


def base():
    """The passing guest-book render: (source, doc) pairs."""
    web_cm = {"apiVersion": "v1", "kind": "ConfigMap",
              "metadata": {"name": f"{REL}-web", "labels": labels("web")},
              "data": {"GUESTBOOK_TITLE": "Guest book", "DB_HOST": f"{REL}-db"}}
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
              "metadata": {"name": f"{REL}-db", "labels": labels("db")},
              "data": {"password": "c2VjcmV0"}}
    web_svc = {"apiVersion": "v1", "kind": "Service",
               "metadata": {"name": f"{REL}-web", "labels": labels("web")},
               "spec": {"type": "ClusterIP", "selector": selector("web"),
                        "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}}
    db_svc = {"apiVersion": "v1", "kind": "Service",
              "metadata": {"name": f"{REL}-db", "labels": labels("db")},
              "spec": {"clusterIP": "None", "selector": selector("db"),
                       "ports": [{"name": "postgres", "port": 5432}]}}
    backup_pvc = {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                  "metadata": {"name": f"{REL}-backup", "labels": labels("backup")},
                  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}}
    web = {"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": f"{REL}-web", "labels": labels("web")},
           "spec": {
               "replicas": 2, "revisionHistoryLimit": 10,
               "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
               "selector": {"matchLabels": selector("web")},
               "template": {
                   "metadata": {
                       "labels": dict(selector("web"), **{"ver": "1.5.5", "release-id": "34e57f01"}),
                       "annotations": {"checksum/config": "0f3c9a", "checksum/secret": "77ab01"}},
                   "spec": {"containers": [{
                       "name": "web", "image": "registry.example.com/guestbook:v1.5.5",
                       "ports": [{"name": "http", "containerPort": 8080}],
                       "envFrom": [{"configMapRef": {"name": f"{REL}-web"}}],
                       "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{REL}-db", "key": "password"}}}],
                   }]}}}}
    db = {"apiVersion": "apps/v1", "kind": "StatefulSet",
          "metadata": {"name": f"{REL}-db", "labels": labels("db")},
          "spec": {
              "replicas": 1, "serviceName": f"{REL}-db", "revisionHistoryLimit": 10,
              "selector": {"matchLabels": selector("db")},
              "template": {
                  "metadata": {"labels": dict(selector("db"), **{"ver": "1.5.5", "release-id": "34e57f01"}),
                               "annotations": {"checksum/secret": "77ab01"}},
                  "spec": {"containers": [{
                      "name": "postgres", "image": "docker.io/library/postgres:16.4",
                      "env": [{"name": "POSTGRES_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{REL}-db", "key": "password"}}}],
                      "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}]}]}},
              "volumeClaimTemplates": [{"metadata": {"name": "data"},
                                        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "10Gi"}}}}]}}
    backup = {"apiVersion": "batch/v1", "kind": "Job",
              "metadata": {"name": f"{REL}-backup", "labels": labels("backup"),
                           "annotations": {"helm.sh/hook": "pre-upgrade,pre-rollback",
                                           "helm.sh/hook-weight": "-5",
                                           "helm.sh/hook-delete-policy": "before-hook-creation,hook-succeeded"}},
              "spec": {"backoffLimit": 1, "activeDeadlineSeconds": 600,
                       "template": {"metadata": {"labels": selector("backup")}, "spec": {
                           "restartPolicy": "Never",
                           "containers": [{"name": "backup", "image": "docker.io/library/postgres:16.4",
                                           "command": ["sh", "-c", f"pg_dump -h {REL}-db -U guestbook guestbook > /backup/guestbook-$(date +%s).sql"],
                                           "env": [{"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{REL}-db", "key": "password"}}}],
                                           "volumeMounts": [{"name": "backup", "mountPath": "/backup"}]}],
                           "volumes": [{"name": "backup", "persistentVolumeClaim": {"claimName": f"{REL}-backup"}}]}}}}
    t = "guestbook/templates/"
    return [(t + "db-secret.yaml", secret), (t + "web-configmap.yaml", web_cm),
            (t + "backup-pvc.yaml", backup_pvc), (t + "web-service.yaml", web_svc),
            (t + "db-service.yaml", db_svc), (t + "web-deployment.yaml", web),
            (t + "db-statefulset.yaml", db), (t + "backup-job.yaml", backup)]


def find(docs, kind, suffix=""):
    for _, d in docs:
        if d["kind"] == kind and d["metadata"]["name"].endswith(suffix):
            return d
    raise KeyError(kind)


def dump(docs, raw_tail=""):
    out = []
    for src, d in docs:
        out.append("---\n# Source: " + src + "\n" + yaml.safe_dump(d, sort_keys=True, default_flow_style=False))
    return "".join(out) + raw_tail


def write(rule, variant, docs, chart=None, case=None, raw_tail=""):
    d = os.path.join(HERE, rule)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, variant + ".yaml"), "w") as f:
        f.write(dump(docs, raw_tail))
    if chart is not None:
        with open(os.path.join(d, variant + ".Chart.yaml"), "w") as f:
            f.write(chart if isinstance(chart, str) else yaml.safe_dump(chart, sort_keys=False))
    if case is not None:
        with open(os.path.join(d, variant + ".case.yaml"), "w") as f:
            f.write(yaml.safe_dump(case, sort_keys=False))


def variant(mutate):
    docs = base()
    mutate(docs)
    return docs


def case_pair(rule, fail_mut, pass_mut=lambda d: None, **kw):
    write(rule, "fail", variant(fail_mut), chart=kw.get("fail_chart"), case=kw.get("fail_case"),
          raw_tail=kw.get("fail_tail", ""))
    write(rule, "pass", variant(pass_mut), chart=kw.get("pass_chart"), case=kw.get("pass_case"))


def web(docs):
    return find(docs, "Deployment", "-web")


def job(docs):
    return find(docs, "Job", "-backup")


def drop(kind, suffix):
    def m(docs):
        docs[:] = [(s, d) for s, d in docs if not (d["kind"] == kind and d["metadata"]["name"].endswith(suffix))]
    return m


def main():
    with open(os.path.join(HERE, "Chart.yaml"), "w") as f:
        f.write(yaml.safe_dump(CHART, sort_keys=False).replace("appVersion: 1.5.5", "appVersion: \"1.5.5\""))
    # co-upgrade
    db_chart = dict(CHART, name="guestbook-db", description="database alone")
    def only_db(docs):
        docs[:] = [(s.replace("guestbook/", "guestbook-db/"), d) for s, d in docs if d["kind"] in ("StatefulSet", "Service") and d["metadata"]["name"].endswith("-db")]
    db_docs = variant(only_db)
    os.makedirs(os.path.join(HERE, "co-upgrade-split"), exist_ok=True)
    with open(os.path.join(HERE, "co-upgrade-split", "db.yaml"), "w") as f:
        f.write(dump(db_docs))
    case_pair("co-upgrade-split",
              lambda d: (drop("StatefulSet", "-db")(d), drop("Job", "-backup")(d)),
              fail_case={"charts": [{"chart": db_chart, "manifests": "db.yaml", "source": "charts/guestbook-db"}]})
    def umbrella(docs):
        moved = []
        for s, d in docs:
            part = "db" if d["metadata"]["name"].endswith("-db") else "web"
            moved.append((s.replace("guestbook/templates/", f"guestbook/charts/guestbook-{part}/templates/"), d))
        docs[:] = moved
    deps_float = [{"name": "guestbook-web", "version": "~1.5.0", "repository": "file://../web"},
                  {"name": "guestbook-db", "version": "~1.5.0", "repository": "file://../db"}]
    deps_exact = [dict(x, version="1.5.5") for x in deps_float]
    subs = [dict(CHART, name="guestbook-web"), dict(CHART, name="guestbook-db")]
    lock = {"dependencies": [{"name": x["name"], "version": "1.5.5", "repository": x["repository"]} for x in deps_float]}
    write("co-upgrade-unpinned", "fail", variant(umbrella), chart=dict(CHART, dependencies=deps_float),
          case={"subcharts": subs, "lock": lock})
    write("co-upgrade-unpinned", "pass", variant(umbrella), chart=dict(CHART, dependencies=deps_exact),
          case={"subcharts": subs, "lock": lock})
    # backup-hook
    case_pair("backup-hook-missing", drop("Job", "-backup"))
    case_pair("backup-hook-events", lambda d: job(d)["metadata"]["annotations"].update({"helm.sh/hook": "post-upgrade,post-rollback"}))
    case_pair("backup-hook-delete-policy", lambda d: job(d)["metadata"]["annotations"].update({"helm.sh/hook-delete-policy": "hook-succeeded"}))
    def unbounded(d):
        del job(d)["spec"]["backoffLimit"]
        del job(d)["spec"]["activeDeadlineSeconds"]
    case_pair("backup-hook-unbounded", unbounded)
    def ephemeral(d):
        job(d)["spec"]["template"]["spec"]["volumes"] = [{"name": "backup", "emptyDir": {}}]
    case_pair("backup-hook-ephemeral-storage", ephemeral)
    def floating(d):
        job(d)["spec"]["template"]["spec"]["containers"][0]["image"] = "postgres:latest"
    case_pair("backup-hook-floating-image", floating)
    def migration(weight):
        def m(d):
            mig = copy.deepcopy(job(d))
            mig["metadata"]["name"] = f"{REL}-migrate"
            mig["metadata"]["labels"] = labels("migrate")
            mig["spec"]["template"]["metadata"]["labels"] = selector("migrate")
            mig["metadata"]["annotations"]["helm.sh/hook"] = "pre-upgrade"
            mig["metadata"]["annotations"]["helm.sh/hook-weight"] = str(weight)
            c = mig["spec"]["template"]["spec"]["containers"][0]
            c["name"] = "migrate"
            c["image"] = "registry.example.com/guestbook:v1.5.5"
            c["command"] = ["/app/guestbook", "migrate", "--up"]
            mig["spec"]["template"]["spec"].pop("volumes")
            c.pop("volumeMounts")
            d.append(("guestbook/templates/migrate-job.yaml", mig))
        return m
    case_pair("backup-hook-order", migration(-10), migration(0))
    # version
    case_pair("chart-version-semver", lambda d: None, fail_chart=dict(CHART, version="1.5"))
    case_pair("app-version-format", lambda d: None,
              fail_chart="apiVersion: v2\nname: guestbook\nversion: 1.5.5\nappVersion: 1.10\n")
    case_pair("app-version-label-mismatch", lambda d: web(d)["metadata"]["labels"].update({"app.kubernetes.io/version": "1.5.4"}))
    case_pair("chart-label-mismatch", lambda d: web(d)["metadata"]["labels"].update({"helm.sh/chart": "guestbook-1.5.4"}))
    def image(tag):
        def m(d):
            web(d)["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example.com/guestbook" + tag
        return m
    case_pair("image-tag-app-version-mismatch", image(":v1.5.4"), image(":v1.5.5-alpine"))
    case_pair("image-tag-floating", image(":latest"), image("@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"))
    case_pair("version-label-not-semver", lambda d: web(d)["spec"]["template"]["metadata"]["labels"].update({"ver": "new"}))
    dep = [{"name": "redis", "version": "~17.3.0", "repository": "oci://registry-1.docker.io/bitnamicharts"}]
    redis = {"apiVersion": "v2", "name": "redis", "version": "18.1.0", "appVersion": "7.2.1"}
    redis_lock = {"dependencies": [{"name": "redis", "version": "18.1.0", "repository": dep[0]["repository"]}]}
    write("dependency-version-invalid", "fail", base(), chart=dict(CHART, dependencies=dep),
          case={"subcharts": [redis], "lock": redis_lock})
    write("dependency-version-invalid", "pass", base(), chart=dict(CHART, dependencies=[dict(dep[0], version="~18.1.0")]),
          case={"subcharts": [redis], "lock": redis_lock})
    # rollout
    case_pair("selector-version-label", lambda d: web(d)["spec"]["selector"]["matchLabels"].update({"helm.sh/chart": "guestbook-1.5.5"}))
    case_pair("recreate-with-traffic", lambda d: web(d)["spec"].update({"strategy": {"type": "Recreate"}}))
    case_pair("rolling-update-recreates",
              lambda d: web(d)["spec"].update({"replicas": 1, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}),
              lambda d: web(d)["spec"].update({"replicas": 1}))
    case_pair("revision-history-zero", lambda d: web(d)["spec"].update({"revisionHistoryLimit": 0}))
    case_pair("config-checksum-missing", lambda d: web(d)["spec"]["template"]["metadata"].pop("annotations"))
    def top_only(d):
        w = web(d)
        w["spec"]["template"]["metadata"]["labels"] = selector("web")
    case_pair("version-label-top-level-only", top_only)
    # release
    case_pair("release-name-convention", lambda d: None, fail_case={"release": "test-2"})
    case_pair("release-name-invalid", lambda d: None, fail_case={"release": "Guest_Book"})
    required = {"rules": {"release-id-label-missing": {"required": True}}}
    def no_release_id(d):
        for _, x in d:
            labels_ = x.get("spec", {}).get("template", {}).get("metadata", {}).get("labels", {})
            labels_.pop("release-id", None)
    case_pair("release-id-label-missing", no_release_id, fail_case={"config": required}, pass_case={"config": required})
    # packaging
    case_pair("chart-yaml-required", lambda d: None, fail_chart={"name": "guestbook", "appVersion": "1.5.5"})
    case_pair("chart-api-v1", lambda d: None, fail_chart=dict(CHART, apiVersion="v1"))
    write("chart-lock-missing", "fail", base(), chart=dict(CHART, dependencies=dep), case={"subcharts": [redis]})
    write("chart-lock-missing", "pass", base(), chart=dict(CHART, dependencies=dep), case={"subcharts": [redis], "lock": redis_lock})
    files = ["Chart.yaml", "values.yaml", "templates/web-deployment.yaml", "templates/_helpers.tpl"]
    write("helmignore-missing-entries", "fail", base(), case={"files": files + ["ci/prod-values.yaml", ".git/HEAD"]})
    write("helmignore-missing-entries", "pass", base(), case={"files": files})
    def no_output(d):
        d.clear()
    case_pair("chart-render-failed", no_output, fail_case={"values": "ci/no-tag-values.yaml", "render_error":
              'template: guestbook/templates/web-deployment.yaml:31:20: executing "guestbook/templates/web-deployment.yaml" at <required "web.image.tag is required" .Values.web.image.tag>: error calling required: web.image.tag is required'})
    case_pair("template-invalid-yaml", lambda d: None,
              fail_tail="---\n# Source: guestbook/templates/extra-labels.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  labels:\napp: web\n  tier: front\n")


if __name__ == "__main__":
    main()
