"""nginx answering every request with a fixed 201 and a small body: the
ceiling of what HTTP alone costs on this machine with the same load
generators, and the measure of the bulk sender's own limit (nginx discards
request bodies at memory speed)."""
import os
import signal
import subprocess

from side_by_side import bulk_sender, common, wrk_runner

CONFIG = """\
worker_processes {workers};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 65s;
  client_max_body_size 64m;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  default_type application/json;
  server {{
    listen 127.0.0.1:{port};
    location / {{ return 201 '{{"ok":true}}'; }}
  }}
}}
"""


class Nginx:
    name = "nginx"

    def __init__(self, work, data_dir, workers):
        self.dir = os.path.join(work, "nginx")
        self.work = work
        self.data_dir = data_dir
        self.workers = workers
        self.proc = None
        os.makedirs(self.dir, exist_ok=True)

    @property
    def pid(self):
        return self.proc.pid

    def start(self):
        self.port = common.free_port()
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(CONFIG.format(workers=self.workers, dir=self.dir, port=self.port))
        self.proc = subprocess.Popen(
            ["nginx", "-p", self.dir + "/", "-e", os.path.join(self.dir, "error.log"), "-c", conf],
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "stderr"), "w"))
        common.remember_pid(self.work, self.proc.pid)
        common.wait_http(self.port, statuses=(201,), alive=lambda: self.proc.poll() is None)

    def stop(self):
        common.stop_process(self.proc, signal.SIGTERM)

    def w1(self, env, seconds):
        return wrk_runner.run("upload_single.lua", self.port, env, 64, 2, seconds)

    def w3(self, env, seconds):
        return wrk_runner.run("fetch_window.lua", self.port, env, 16, 2, seconds)

    def bulk(self, fmt):
        """The sender's ceiling with the bodies of one format (datacooee, influx)."""
        files = [os.path.join(self.data_dir, f"{fmt}.{c}") for c in range(4)]
        return bulk_sender.send(self.port, 201, files, {"Content-Type": "application/json"})
