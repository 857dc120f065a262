"""The floor of the stack: a minimal Flask page rendering a small Jinja template, served by the same
gunicorn, the same worker class and count as the portal. No database, no session, no extension: what
any page of any Flask application costs at least on this machine."""

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).with_name("templates")))
ITEMS = [{"name": f"Ligne {n}", "value": n * 7} for n in range(10)]


@app.route("/")
def floor():
    return render_template("floor.html", title="Plancher", items=ITEMS)
