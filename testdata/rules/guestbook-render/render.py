#!/usr/bin/env python3
"""Hand render of testdata/guestbook[-1.5.6] as `helm template guestbook-stable` prints it
(for auditing before the renderer lands). Usage: render.py APPVERSION PODVERSION > X.yaml"""
import hashlib, sys
ver, podver = sys.argv[1], sys.argv[2]
REL="guestbook-stable"
def labels(c, ind):
    p=" "*ind
    return "\n".join(p+l for l in [
      f"app.kubernetes.io/name: guestbook-{c}", f"app.kubernetes.io/instance: {REL}",
      f'app.kubernetes.io/version: "{ver}"', "app.kubernetes.io/part-of: guestbook",
      "app.kubernetes.io/managed-by: Helm", f"helm.sh/chart: guestbook-{ver}", f'appver: "{ver}"'])
def sel(c, ind):
    p=" "*ind
    return f"{p}app.kubernetes.io/name: guestbook-{c}\n{p}app.kubernetes.io/instance: {REL}"
def pod(c, pv, ind):
    return sel(c, ind) + "\n" + " "*ind + f'ver: "{pv}"'
cm=f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {REL}-web
  labels:
{labels("web",4)}
data:
  GUESTBOOK_TITLE: "Guest book"
  DB_HOST: {REL}-db
  DB_NAME: "guestbook"
  DB_USER: "guestbook"
"""
secret=f"""apiVersion: v1
kind: Secret
metadata:
  name: {REL}-db
  labels:
{labels("db",4)}
type: Opaque
data:
  password: "Y2hhbmdlLW1l"
"""
h=lambda s: hashlib.sha256(s.encode()).hexdigest()
docs=[("db-secret.yaml",secret),("web-configmap.yaml",cm),
("backup-pvc.yaml",f"""apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {REL}-backup
  labels:
{labels("backup",4)}
  annotations:
    # Backups must outlive the release.
    helm.sh/resource-policy: keep
spec:
  accessModes: ["ReadWriteOnce"]
  resources:
    requests:
      storage: 5Gi
"""),
("db-service.yaml",f"""apiVersion: v1
kind: Service
metadata:
  name: {REL}-db
  labels:
{labels("db",4)}
spec:
  clusterIP: None
  selector:
{sel("db",4)}
  ports:
    - name: postgres
      port: 5432
"""),
("web-service.yaml",f"""apiVersion: v1
kind: Service
metadata:
  name: {REL}-web
  labels:
{labels("web",4)}
spec:
  type: ClusterIP
  selector:
{sel("web",4)}
  ports:
    - name: http
      port: 80
      targetPort: http
"""),
("web-deployment.yaml",f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {REL}-web
  labels:
{labels("web",4)}
spec:
  replicas: 2
  revisionHistoryLimit: 10
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  selector:
    matchLabels:
{sel("web",6)}
  template:
    metadata:
      labels:
{pod("web",podver,8)}
      annotations:
        # Config changes roll the pods: spec.template changes with them.
        checksum/config: {h(cm)}
        checksum/secret: {h(secret)}
    spec:
      containers:
        - name: web
          image: "registry.example.com/guestbook:v{ver}"
          ports:
            - name: http
              containerPort: 8080
          envFrom:
            - configMapRef:
                name: {REL}-web
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {REL}-db
                  key: password
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
"""),
("db-statefulset.yaml",f"""apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {REL}-db
  labels:
{labels("db",4)}
spec:
  replicas: 1
  serviceName: {REL}-db
  revisionHistoryLimit: 10
  selector:
    matchLabels:
{sel("db",6)}
  template:
    metadata:
      labels:
{pod("db","1.0.0",8)}
      annotations:
        checksum/secret: {h(secret)}
    spec:
      containers:
        - name: postgres
          image: "docker.io/library/postgres:16.4"
          env:
            - name: POSTGRES_DB
              value: "guestbook"
            - name: POSTGRES_USER
              value: "guestbook"
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {REL}-db
                  key: password
          ports:
            - name: postgres
              containerPort: 5432
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 10Gi
"""),
("backup-job.yaml",f"""apiVersion: batch/v1
kind: Job
metadata:
  name: {REL}-backup
  labels:
{labels("backup",4)}
  annotations:
    # Back up the database right before an upgrade or a rollback.
    helm.sh/hook: pre-upgrade,pre-rollback
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: 1
  activeDeadlineSeconds: 600
  template:
    metadata:
      labels:
{sel("backup",8)}
    spec:
      restartPolicy: Never
      containers:
        - name: backup
          image: "docker.io/library/postgres:16.4"
          command:
            - sh
            - -c
            - pg_dump -h {REL}-db -U guestbook guestbook > /backup/guestbook-$(date +%Y%m%d%H%M%S).sql
          env:
            - name: PGPASSWORD
              valueFrom:
                secretKeyRef:
                  name: {REL}-db
                  key: password
          volumeMounts:
            - name: backup
              mountPath: /backup
      volumes:
        - name: backup
          persistentVolumeClaim:
            claimName: {REL}-backup
""")]
out=""
for name, text in docs:
    out += f"---\n# Source: guestbook/templates/{name}\n{text}"
sys.stdout.write(out)
