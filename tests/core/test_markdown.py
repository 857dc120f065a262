"""Markdown as people write it renders; nothing executable ever comes out (OWASP filter-evasion vectors,
then random input)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.core.markdown import render_markdown
from tests.support.html_safety import executable_parts

# From the OWASP XSS Filter Evasion Cheat Sheet, plus the Markdown-specific forms of the same tricks.
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"" + "".join(f"&#{ord(c):07d}" for c in "javascript:alert('XSS')") + "\">",
    "<IMG SRC=" + "".join(f"&#{ord(c)};" for c in "javascript:alert('XSS')") + ">",
    "<IMG SRC=" + "".join(f"&#x{ord(c):X}" for c in "javascript:alert('XSS')") + ">",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=//xss.rocks/.j>",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.rocks/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<SVG/onload=alert('XSS')>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.rocks/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4\" "
    "type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<A HREF=\"http://66.102.7.147/\">XSS</A><a href=\"vbscript:msgbox(1)\">v</a>",
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>",
    "[lien](javascript:alert(1))",
    "[lien](JaVaScRiPt:alert(1))",
    "[lien](&#106;avascript:alert(1))",
    "[lien](jav&#x09;ascript:alert(1))",
    "[lien](javascript&colon;alert(1))",
    "[lien]( javascript:alert(1))",
    "[lien](vbscript:msgbox(1))",
    "[lien](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[lien](file:///etc/passwd)",
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    "[a](http://exemple.fr \"onmouseover=alert(1)\")",
    "[a]: javascript:alert(1)\n\n[a]",
    "<div onclick=\"alert(1)\">*texte*</div>",
    "```\n<script>alert(1)</script>\n```",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_nothing_executable_comes_out(vector):
    html = str(render_markdown(vector))
    assert executable_parts(html) == [], html
    assert "<script" not in html.lower()


def test_raw_html_is_shown_as_text_not_interpreted():
    html = str(render_markdown("Avant <b>gras</b> <script>alert(1)</script> après"))
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html


def test_common_markdown_renders():
    html = str(render_markdown("## Titre\n\n**gras**, *italique*, ~~barré~~\n\n- un\n- deux\n\n"
                               "1. premier\n\n> citation\n\n`code`"))
    for expected in ("<h2>Titre</h2>", "<strong>gras</strong>", "<em>italique</em>", "<s>barré</s>",
                     "<li>un</li>", "<ol>", "<blockquote>", "<code>code</code>"):
        assert expected in html


def test_links_keep_safe_targets_and_never_pass_the_referrer():
    html = str(render_markdown("[site](https://exemple.fr) [mail](mailto:a@exemple.fr) [page](/projets/3) "
                               "[ancre](#chronologie)"))
    assert 'href="https://exemple.fr"' in html
    assert 'href="mailto:a@exemple.fr"' in html
    assert 'href="/projets/3"' in html
    assert 'href="#chronologie"' in html
    assert html.count('rel="noopener noreferrer"') == 4


def test_tables_render_with_their_alignment_as_classes():
    html = str(render_markdown("| Financeur | Montant |\n|:--|--:|\n| CAF | 1 000 € |"))
    assert "<table>" in html and '<th class="align-left">Financeur</th>' in html
    assert '<td class="align-right">1 000 €</td>' in html
    assert "style=" not in html


def test_headings_fit_under_the_page_headings():
    html = str(render_markdown("# Un\n\n## Deux\n\n###### Six", top_heading=3))
    assert "<h3>Un</h3>" in html and "<h4>Deux</h4>" in html and "<h6>Six</h6>" in html
    assert "<h1>" not in html
    # Whether people start with "#" or "##", the text's top heading sits right below the page's.
    assert "<h3>Partie</h3>" in str(render_markdown("## Partie\n\n### Sous-partie", top_heading=3))


def test_empty_text_renders_nothing():
    assert render_markdown(None) == "" and render_markdown("") == ""


def test_the_template_filter_marks_the_html_safe_once_sanitised(app):
    with app.app_context():
        template = app.jinja_env.from_string("{{ text|markdown }}")
        html = template.render(text="**ok** <img src=x onerror=alert(1)>")
    assert "<strong>ok</strong>" in html
    assert executable_parts(html) == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>\"'`=:/&#;()[]!* \n\tjavscriptonerlJAVSCRIPTdt1xX")), max_size=120))
def test_random_input_never_yields_executable_html(text):
    assert executable_parts(str(render_markdown(text))) == []


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
                                 "<a href=\"jav&#x09;ascript:alert(1)\">x</a>", "<iframe src=/x></iframe>",
                                 "<p style=\"color:red\">x</p>", "<a href=\"data:text/html,x\">x</a>"])
def test_the_checker_itself_sees_unsanitised_html(raw):
    assert executable_parts(raw), "the safety checker must flag raw vectors, or the tests above prove nothing"
