// An email's HTML made safe to look at (docs/channels.md, "HTML mail"): parsed with libxml2's
// HTML parser (Debian's libxml2) and rebuilt from an allow-list — text formatting, tables, lists,
// links and pictures; never scripts, frames, forms, embedded objects, <meta>/<base>/<link>, event
// handler attributes or javascript: and other non-web URLs. Links open in a new tab. Pictures
// from the web (and CSS url()s) are left out unless `remote_images`: a remote picture is how a
// sender learns that, when and where an email was read. The console shows the result in a
// sandboxed frame whose Content-Security-Policy says the same again.
//
// Threading: pure; libxml2 is initialised once per process.
#pragma once

#include <string>
#include <string_view>

namespace tiski::mail {

struct SanitisedHtml {
  std::string html;       // a whole document, UTF-8
  int remote_images = 0;  // pictures from the web in it (left out unless asked for)
};

SanitisedHtml sanitise_html(std::string_view html, bool remote_images);

}  // namespace tiski::mail
