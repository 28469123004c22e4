"""Script-injection payloads every page or renderer that shows people's text is tested against."""

XSS_PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<details open ontoggle=alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    '[x](https://example.org "title" onmouseover=alert(1))',
)


# The list above, extended for issue 14: markup, attribute and URL breakouts, template syntax.
# Here every payload names itself (cipxss<n>), so a test can tell which one, if any, survived as
# markup; all call alert(), confirm(), prompt() or msgbox(), so a browser that ran one shows a
# dialog. PAYLOADS holds these and the ones above, marked the same way.
_TEMPLATES = [
    # Elements.
    "<script>alert('{m}')</script>",
    "<SCRIPT>alert('{m}')</SCRIPT>",
    "<script src=//evil.example/{m}.js></script>",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "<img src=x onerror=alert('{m}')>",
    "<img src=x onerror=\"alert('{m}')\">",
    "<IMG SRC=x ONERROR=alert('{m}')>",
    "<img/src=x/onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "<svg><script>alert('{m}')</script></svg>",
    "<svg><animate onbegin=alert('{m}') attributeName=x dur=1s>",
    "<body onload=alert('{m}')>",
    "<iframe src=\"javascript:alert('{m}')\"></iframe>",
    "<iframe srcdoc=\"<script>parent.alert('{m}')</script>\"></iframe>",
    "<object data=\"javascript:alert('{m}')\"></object>",
    "<embed src=\"javascript:alert('{m}')\">",
    "<details open ontoggle=alert('{m}')>",
    "<video><source onerror=alert('{m}')></video>",
    "<audio src=x onerror=alert('{m}')>",
    "<input autofocus onfocus=alert('{m}')>",
    "<select autofocus onfocus=alert('{m}')></select>",
    "<textarea autofocus onfocus=alert('{m}')></textarea>",
    "<marquee onstart=alert('{m}')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('{m}')>",
    "<a href=\"javascript:alert('{m}')\">click</a>",
    "<a href=\"jav&#x09;ascript:alert('{m}')\">click</a>",
    "<form action=\"javascript:alert('{m}')\"><button>go</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'{m}\')">',
    "<base href=\"javascript:alert('{m}')//\">",
    "<link rel=stylesheet href=\"javascript:alert('{m}')\">",
    "<style>@import 'javascript:alert(\"{m}\")';</style>",
    "<div style=\"background:url(javascript:alert('{m}'))\">x</div>",
    # Closing whatever the value was put inside.
    "</title><script>alert('{m}')</script>",
    "</textarea><script>alert('{m}')</script>",
    "</script><script>alert('{m}')</script>",
    "</style><script>alert('{m}')</script>",
    "--><script>alert('{m}')</script><!--",
    "]]><script>alert('{m}')</script>",
    # Attribute breakouts.
    '" onmouseover="alert(\'{m}\')" x="',
    "' onmouseover='alert(\"{m}\")' x='",
    "\"><script>alert('{m}')</script>",
    "'><img src=x onerror=alert('{m}')>",
    "\" autofocus onfocus=\"alert('{m}')",
    "\" style=\"x:expression(alert('{m}'))",
    "` onmouseover=alert('{m}') `",
    # Inside scripts and URLs.
    "';alert('{m}');//",
    "\";alert('{m}');//",
    "\\';alert('{m}');//",
    "javascript:alert('{m}')",
    "JaVaScRiPt:alert('{m}')",
    "data:text/html,<script>alert('{m}')</script>",
    "vbscript:msgbox('{m}')",
    # Encodings and confusables.
    "&lt;script&gt;alert('{m}')&lt;/script&gt;",
    "&#60;script&#62;alert('{m}')&#60;/script&#62;",
    "%3Cscript%3Ealert('{m}')%3C/script%3E",
    "\\u003cscript\\u003ealert('{m}')\\u003c/script\\u003e",
    "＜script＞alert('{m}')＜/script＞",
    "<scr\u200bipt>alert('{m}')</script>",
    # Template and expression syntax.
    "{{{{ alert('{m}') }}}}",
    "{{% debug %}}{m}",
    "${{alert('{m}')}}",
    "#{{alert('{m}')}}",
    "<%= alert('{m}') %>",
    # Polyglot.
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert('{m}') )//%0D%0A%0d%0a//</stYle/"
    "</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert('{m}')//>\\x3e",
    # Short enough for a worksheet's name (31 characters).
    "<svg onload=confirm('{m}')",
    "<p onclick=prompt('{m}')>",
]


def _marked(text: str, marker: str) -> str:
    for call in ("alert(1)", "msgbox(1)"):
        if call in text:
            return text.replace(call, f"{call.removesuffix('(1)')}('{marker}')")
    return f"{text} {marker}"


PAYLOADS = [template.format(m=f"cipxss{n}") for n, template in enumerate(_TEMPLATES)]
PAYLOADS += [_marked(p, f"cipxss{len(PAYLOADS) + n}") for n, p in enumerate(XSS_PAYLOADS)]
MARKERS = [f"cipxss{n}" for n in range(len(PAYLOADS))]
# Markdown's own syntax: text anywhere but where Markdown is rendered.
MARKDOWN_PAYLOADS = [p for p in PAYLOADS if p.startswith(("[", "!["))]
# Sheet names: at most 31 characters, none of []:*?/\.
SHEET_NAMES = [p for p in PAYLOADS if len(p) <= 31 and not set(p) & set("[]:*?/\\")]


def payload(n: int, *, max_length: int | None = None) -> str:
    """The n-th payload (wrapping round) that fits `max_length`."""
    fitting = [p for p in PAYLOADS if max_length is None or len(p) <= max_length]
    return fitting[n % len(fitting)]
