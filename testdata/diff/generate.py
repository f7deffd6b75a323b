#!/usr/bin/env python3
"""Writes the upgrade-diff fixture pairs: testdata/diff/<case>/{old,new}/.

Every pair starts from the same small chart (a web Deployment with a ConfigMap
and a Service, a database StatefulSet) and changes one thing. Re-run after
editing: `python3 testdata/diff/generate.py`.
"""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))

CHART = """apiVersion: v2
name: shop
description: fixture for helm-audit diff
type: application
version: {version}
appVersion: "{app}"
"""

VALUES = """web:
  replicas: 2
  podVersion: "{pod}"
  image:
    repository: example.com/shop
    tag: "{tag}"
greeting: {greeting}
db:
  storage: 10Gi
"""

HELPERS = """{{- define "shop.labels" -}}
app.kubernetes.io/name: shop
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: shop
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: shop-{{ .Chart.Version }}
{{- end -}}
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "shop.labels" . | nindent 4 }}%(extra_label)s
spec:
  replicas: {{ .Values.web.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/name: %(selector)s
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: %(selector)s
        app.kubernetes.io/instance: {{ .Release.Name }}
        ver: {{ .Values.web.podVersion | quote }}
    spec:
      containers:
        - name: web
          image: "{{ .Values.web.image.repository }}:{{ .Values.web.image.tag }}"
          volumeMounts:
            - name: config
              mountPath: /etc/shop
      volumes:
        - name: config
          configMap:
            name: {{ .Release.Name }}-web
"""

CONFIGMAP = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "shop.labels" . | nindent 4 }}
data:
  greeting: {{ .Values.greeting | quote }}
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:%(cluster_ip)s
  selector:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: {{ .Release.Name }}
  ports:
    - port: 80
      targetPort: 8080
"""

STATEFULSET = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ .Release.Name }}-%(db_name)s
  labels:
    {{- include "shop.labels" . | nindent 4 }}
spec:
  serviceName: {{ .Release.Name }}-db
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: db
      app.kubernetes.io/instance: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: db
        app.kubernetes.io/instance: {{ .Release.Name }}
        ver: "1.0.0"
    spec:
      containers:
        - name: postgres
          image: docker.io/library/postgres:16.4
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: {{ .Values.db.storage }}
"""

BACKUP = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-backup
  labels:
    {{- include "shop.labels" . | nindent 4 }}
  annotations:
    "helm.sh/hook": pre-upgrade,pre-rollback
    "helm.sh/hook-weight": "-5"
    "helm.sh/hook-delete-policy": before-hook-creation
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: backup
          image: docker.io/library/postgres:16.4
          command: ["sh", "-c", "pg_dump -h {{ .Release.Name }}-db > /backup/dump.sql"]
          volumeMounts:
            - name: backup
              mountPath: /backup
      volumes:
        - name: backup
          persistentVolumeClaim:
            claimName: {{ .Release.Name }}-backup
"""

BASE = dict(
    version="1.0.0",
    app="1.0.0",
    pod="1.0.0",
    tag="1.0.0",
    greeting="hello",
    extra_label="",
    selector="web",
    cluster_ip="",
    db_name="db",
    storage_key="storage",
    backup=False,
    extra_values="",
)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def chart(root, p):
    write(f"{root}/Chart.yaml", CHART.format(**p))
    write(f"{root}/values.yaml", VALUES.format(**p) + p["extra_values"])
    write(f"{root}/templates/_helpers.tpl", HELPERS)
    write(f"{root}/templates/web-deployment.yaml", DEPLOYMENT % p)
    write(f"{root}/templates/web-configmap.yaml", CONFIGMAP)
    write(f"{root}/templates/web-service.yaml", SERVICE % p)
    write(f"{root}/templates/db-statefulset.yaml", STATEFULSET % p)
    if p["backup"]:
        write(f"{root}/templates/backup-job.yaml", BACKUP)


# case -> (changes to OLD, changes to NEW)
CASES = {
    # Bug fix: image, appVersion, pod version label and chart patch bump: the web rolls.
    "image-bump": ({}, dict(version="1.0.1", app="1.0.1", pod="1.0.1", tag="1.0.1")),
    # ConfigMap data changes, no checksum annotation: the Deployment does not roll.
    "config-no-checksum": ({}, dict(version="1.0.1", greeting="bonjour")),
    # A top-level label only: no pods are replaced.
    "metadata-only": ({}, dict(version="1.0.1", extra_label="\n    team: checkout")),
    # spec.selector is immutable: helm upgrade fails.
    "selector-change": ({}, dict(version="2.0.0", selector="shop-web")),
    # volumeClaimTemplates are immutable.
    "statefulset-volume-claims": ({}, dict(version="2.0.0", extra_values="", storage_key="storage")),
    # An explicit clusterIP that changes.
    "service-cluster-ip": (
        dict(cluster_ip="\n  clusterIP: 10.0.0.10"),
        dict(version="2.0.0", cluster_ip="\n  clusterIP: 10.0.0.20"),
    ),
    # The database StatefulSet is renamed: delete + create, its data is lost.
    "resource-renamed": ({}, dict(version="2.0.0", db_name="database")),
    # A values key removed (with a major bump: honest).
    "values-key-removed": ({}, dict(version="2.0.0")),
    # A values key renamed (greeting -> message).
    "values-key-renamed": ({}, dict(version="2.0.0")),
    # A values key changes type (replicas "2" string -> number is fine; map -> string is not).
    "values-type-changed": ({}, dict(version="2.0.0")),
    # A new feature (new values key) released as a patch.
    "bump-too-small-feature": ({}, dict(version="1.0.1", extra_values="ingress:\n  enabled: false\n")),
    # A breaking change (values key removed) released as a patch.
    "bump-too-small-breaking": ({}, dict(version="1.0.1")),
    # The app image moves but appVersion stays.
    "app-version-not-bumped": ({}, dict(version="1.0.1", pod="1.0.1", tag="1.0.1")),
    # Something changes and the chart version does not.
    "no-version-bump": ({}, dict(greeting="bonjour")),
    # NEW adds a pre-upgrade/pre-rollback backup hook; OLD has none.
    "rollback-backup-new-only": ({}, dict(version="1.1.0", backup=True)),
}


def main():
    for case, (old_changes, new_changes) in CASES.items():
        root = os.path.join(HERE, case)
        shutil.rmtree(root, ignore_errors=True)
        old = dict(BASE, **old_changes)
        new = dict(old, **new_changes)
        chart(f"{root}/old", old)
        chart(f"{root}/new", new)
        post = POST.get(case)
        if post:
            post(f"{root}/new")


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, (path, old)
    with open(path, "w") as f:
        f.write(text.replace(old, new))


POST = {
    "statefulset-volume-claims": lambda d: edit(
        f"{d}/templates/db-statefulset.yaml", "accessModes: [ReadWriteOnce]", "accessModes: [ReadWriteMany]"
    ),
    "values-key-removed": lambda d: (
        edit(f"{d}/values.yaml", "db:\n  storage: 10Gi\n", ""),
        edit(f"{d}/templates/db-statefulset.yaml", "{{ .Values.db.storage }}", "10Gi"),
    ),
    "values-key-renamed": lambda d: (
        edit(f"{d}/values.yaml", "greeting: hello", "message: hello"),
        edit(f"{d}/templates/web-configmap.yaml", ".Values.greeting", ".Values.message"),
    ),
    "values-type-changed": lambda d: (
        edit(f"{d}/values.yaml", "db:\n  storage: 10Gi\n", "db: 10Gi\n"),
        edit(f"{d}/templates/db-statefulset.yaml", "{{ .Values.db.storage }}", "{{ .Values.db }}"),
    ),
    "bump-too-small-breaking": lambda d: (
        edit(f"{d}/values.yaml", "db:\n  storage: 10Gi\n", ""),
        edit(f"{d}/templates/db-statefulset.yaml", "{{ .Values.db.storage }}", "10Gi"),
    ),
}

if __name__ == "__main__":
    main()
