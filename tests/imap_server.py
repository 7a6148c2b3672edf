#!/usr/bin/python3
"""A real IMAP server for Tiski's tests: Debian's Dovecot, on 127.0.0.1, in a folder of its own.

    imap_server.py DIR [PORT]

Writes a Dovecot configuration into DIR (maildir under DIR/mail, plain-text login allowed since
it only listens on loopback), starts `dovecot -F` on PORT (0 = any free port), writes the port
to DIR/port once it accepts connections, and stops Dovecot on SIGTERM/SIGINT. Users (password
"secret" each): support, other. Run as root, mail is owned by nobody; otherwise by the caller.
"""
import os
import pwd
import grp
import signal
import socket
import subprocess
import sys
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def config(folder, port):
    me = pwd.getpwuid(os.getuid())
    if os.getuid() == 0:
        internal, login = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("nobody")
        mail_group = grp.getgrgid(mail_user.pw_gid)
    else:
        internal = login = me.pw_name
        mail_user = me
        mail_group = grp.getgrgid(me.pw_gid)
    mail = os.path.join(folder, "mail")
    os.makedirs(mail, exist_ok=True)
    os.chmod(mail, 0o777)
    with open(os.path.join(folder, "users"), "w") as f:
        f.write("support:{PLAIN}secret::::::\nother:{PLAIN}secret::::::\n")
    return f"""
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{mail}/%u
passdb {{
  driver = passwd-file
  args = {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_group.gr_gid} home={mail}/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def main():
    folder = os.path.abspath(sys.argv[1])
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    if port == 0:
        port = free_port()
    conf = os.path.join(folder, "dovecot.conf")
    with open(conf, "w") as f:
        f.write(config(folder, port))
    proc = subprocess.Popen(["/usr/sbin/dovecot", "-F", "-c", conf])

    def stop(*_):
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(400):
        if proc.poll() is not None:
            sys.stderr.write(open(os.path.join(folder, "dovecot.log")).read() if os.path.exists(
                os.path.join(folder, "dovecot.log")) else "dovecot exited\n")
            sys.exit(1)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.025)
    with open(os.path.join(folder, "port.tmp"), "w") as f:
        f.write(str(port))
    os.rename(os.path.join(folder, "port.tmp"), os.path.join(folder, "port"))
    proc.wait()


if __name__ == "__main__":
    main()
