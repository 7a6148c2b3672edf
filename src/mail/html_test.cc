#include "mail/html.h"

#include <gtest/gtest.h>

namespace tiski::mail {
namespace {

bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

TEST(SanitiseHtml, KeepsTheLetterAndDropsWhatRuns) {
  auto out = sanitise_html(
      R"h(<html><head><meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/">
<script>alert(1)</script><style>p{color:red}</style></head>
<body onload="alert(2)"><p style="color:#333" onclick="alert(3)">Hei <b>Aino</b>,</p>
<table border="1"><tr><td colspan="2">Tilaus 1234</td></tr></table>
<a href="https://eramaa.example/tilaus">Tilaus</a> <a href="javascript:alert(4)">klikkaa</a>
<a href=" jav&#x09;ascript:alert(5)">toinen</a> <a href="mailto:aino@example.fi">posti</a>
<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="pw"></form>
<svg onload="alert(6)"><circle/></svg><object data="x.swf"></object><!--[if mso]><script>x</script><![endif]-->
<o:p>Outlookin kappale</o:p><img src="data:image/png;base64,iVBORw0KGgo=" alt="pieni"></body></html>)h",
      false);
  const auto& h = out.html;
  for (auto bad : {"<script", "alert(", "onload", "onclick", "<iframe", "<form", "<input", "<svg", "<object",
                   "<meta http-equiv=\"refresh\"", "<base", "javascript", "evil.example", "<!--"})
    EXPECT_FALSE(has(h, bad)) << bad << " in " << h;
  for (auto good : {"Hei <b>Aino</b>", "Tilaus 1234", "colspan=\"2\"", "style=\"color:#333\"",
                    "href=\"https://eramaa.example/tilaus\"", "target=\"_blank\"", "rel=\"noopener noreferrer\"",
                    "href=\"mailto:aino@example.fi\"", "Outlookin kappale", "p{color:red}", "data:image/png"})
    EXPECT_TRUE(has(h, good)) << good << " missing from " << h;
  EXPECT_EQ(out.remote_images, 0);
}

TEST(SanitiseHtml, RemotePicturesOnlyWhenAskedFor) {
  std::string mail = R"h(<p>Uutiskirje</p><img src="https://track.example/open.gif?u=42" alt="logo" width="1">)h"
                     R"h(<div style="background:url(https://track.example/bg.png)">Tausta</div>)h";
  auto quiet = sanitise_html(mail, false);
  EXPECT_FALSE(has(quiet.html, "track.example")) << quiet.html;
  EXPECT_TRUE(has(quiet.html, "alt=\"logo\""));
  EXPECT_TRUE(has(quiet.html, "Tausta"));
  EXPECT_EQ(quiet.remote_images, 2);
  auto shown = sanitise_html(mail, true);
  EXPECT_TRUE(has(shown.html, "src=\"https://track.example/open.gif?u=42\"")) << shown.html;
  EXPECT_TRUE(has(shown.html, "url(https://track.example/bg.png)"));
}

TEST(SanitiseHtml, GarbageAndDepthDoNotBreakIt) {
  EXPECT_FALSE(sanitise_html("", false).html.empty());
  EXPECT_FALSE(has(sanitise_html("<<<>>><scr<script>ipt>alert(1)</script>", false).html, "<script"));
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div>";
  deep += "syvällä";
  auto out = sanitise_html(deep, false);
  EXPECT_FALSE(out.html.empty());
}

}  // namespace
}  // namespace tiski::mail
