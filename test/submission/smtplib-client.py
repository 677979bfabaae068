"""Python's smtplib as a submission client for the tests: reads one JSON job on stdin, runs it
step by step (EHLO, optional STARTTLS, AUTH, MAIL, each RCPT, DATA) and prints every reply as JSON.
A step that is refused ends the job (as a client would), except RCPT, which goes on."""
import json
import smtplib
import ssl
import sys

job = json.load(sys.stdin)
out = {}
s = smtplib.SMTP(job["host"], job["port"], local_hostname="client.test", timeout=30,
                 source_address=(job.get("source", "127.0.0.1"), 0))
try:
    s.ehlo()
    out["features"] = sorted(s.esmtp_features.keys())
    if job.get("starttls"):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s.starttls(context=ctx)
        s.ehlo()
        out["features_tls"] = sorted(s.esmtp_features.keys())
        out["auth_tls"] = s.esmtp_features.get("auth", "")
    if "password" in job:
        try:
            code, msg = s.login(job.get("user", "app"), job["password"])
            out["auth"] = [code, msg.decode()]
        except smtplib.SMTPAuthenticationError as e:
            out["auth"] = [e.smtp_code, e.smtp_error.decode()]
        except smtplib.SMTPException as e:
            out["auth"] = [getattr(e, "smtp_code", 0), str(getattr(e, "smtp_error", e))]
        if out["auth"][0] != 235:
            print(json.dumps(out))
            sys.exit(0)
    if "from" in job:
        options = job.get("mail_options", [])
        code, msg = s.mail(job["from"], options)
        out["mail"] = [code, msg.decode()]
        if code == 250:
            out["rcpt"] = []
            for r in job["to"]:
                code, msg = s.rcpt(r)
                out["rcpt"].append([code, msg.decode()])
            if job.get("data", True) and any(c == 250 for c, _ in out["rcpt"]):
                code, msg = s.data(job["message"].encode("utf-8"))
                out["data"] = [code, msg.decode()]
    s.quit()
except smtplib.SMTPServerDisconnected as e:
    out["disconnected"] = str(e)
print(json.dumps(out))
