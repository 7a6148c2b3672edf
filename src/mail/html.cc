#include "mail/html.h"

#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace tiski::mail {
namespace {

constexpr std::array kKeep{
    "html",       "head",     "body", "title", "div",   "span",   "p",          "br",    "hr",      "b",
    "strong",     "i",        "em",   "u",     "s",     "strike", "small",      "big",   "sub",     "sup",
    "blockquote", "q",        "cite", "pre",   "code",  "tt",     "kbd",        "samp",  "var",     "abbr",
    "address",    "h1",       "h2",   "h3",    "h4",    "h5",     "h6",         "ul",    "ol",      "li",
    "dl",         "dt",       "dd",   "table", "thead", "tbody",  "tfoot",      "tr",    "td",      "th",
    "caption",    "colgroup", "col",  "a",     "img",   "font",   "center",     "style", "section", "article",
    "header",     "footer",   "nav",  "main",  "aside", "figure", "figcaption", "mark",  "del",     "ins",
    "wbr",        "time",     "label"};
// Dropped with everything inside them.
constexpr std::array kDrop{"script", "noscript", "iframe", "frame",  "frameset", "object", "embed",  "applet",
                           "form",   "input",    "button", "select", "textarea", "option", "meta",   "link",
                           "base",   "template", "svg",    "math",   "audio",    "video",  "source", "track",
                           "canvas", "map",      "area",   "param",  "dialog",   "portal"};
constexpr std::array kAttributes{"style",       "class",       "align",   "valign",  "width", "height", "border",
                                 "cellpadding", "cellspacing", "bgcolor", "color",   "face",  "size",   "colspan",
                                 "rowspan",     "dir",         "lang",    "title",   "alt",   "href",   "src",
                                 "start",       "type",        "span",    "headers", "scope", "nowrap", "summary"};

template <std::size_t N>
bool in(const std::array<const char*, N>& set, std::string_view name) {
  return std::any_of(set.begin(), set.end(), [&](const char* s) { return name == s; });
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view name_of(const xmlChar* n) { return n ? reinterpret_cast<const char*>(n) : ""; }

std::string value_of(xmlNodePtr node, const xmlChar* attr) {
  xmlChar* v = xmlGetProp(node, attr);
  std::string out = v ? reinterpret_cast<const char*>(v) : "";
  xmlFree(v);
  // What a browser ignores in a URL's scheme (spaces, controls) must not hide "javascript:".
  std::string compact;
  for (unsigned char c : out)
    if (c > 0x20) compact += static_cast<char>(c);
  return compact;
}

bool starts(const std::string& s, std::string_view prefix) { return ascii_lower(s.substr(0, prefix.size())) == prefix; }

struct Cleaner {
  bool remote;
  int remote_images = 0;

  void attributes(xmlNodePtr node, std::string_view element) {
    for (xmlAttrPtr a = node->properties; a;) {
      xmlAttrPtr next = a->next;
      std::string name = ascii_lower(name_of(a->name));
      bool keep = in(kAttributes, name);
      if (keep && name == "href") {
        std::string v = value_of(node, a->name);
        keep = element == "a" &&
               (starts(v, "http://") || starts(v, "https://") || starts(v, "mailto:") || (!v.empty() && v[0] == '#'));
      } else if (keep && name == "src") {
        std::string v = value_of(node, a->name);
        bool web = starts(v, "http://") || starts(v, "https://");
        keep = element == "img" && ((web && remote) || starts(v, "data:image/png") || starts(v, "data:image/jpeg") ||
                                    starts(v, "data:image/gif"));
        if (web && !remote) ++remote_images;
      } else if (keep && name == "style") {
        std::string v = ascii_lower(value_of(node, a->name));
        bool fetches = v.find("url(") != std::string::npos || v.find("@import") != std::string::npos;
        keep = v.find("expression(") == std::string::npos && v.find("javascript:") == std::string::npos &&
               (remote || !fetches);
        if (fetches && !remote) ++remote_images;
      }
      if (!keep) xmlRemoveProp(a);
      a = next;
    }
    if (element == "a" && xmlHasProp(node, BAD_CAST "href")) {  // links open outside the frame
      xmlSetProp(node, BAD_CAST "target", BAD_CAST "_blank");
      xmlSetProp(node, BAD_CAST "rel", BAD_CAST "noopener noreferrer");
    }
  }

  // A <style> element's text: kept unless it could run something or (without remote) fetch.
  bool style_ok(xmlNodePtr node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string v = ascii_lower(content ? reinterpret_cast<const char*>(content) : "");
    xmlFree(content);
    if (v.find("expression(") != std::string::npos || v.find("javascript:") != std::string::npos ||
        v.find("behavior:") != std::string::npos || v.find("-moz-binding") != std::string::npos)
      return false;
    bool fetches = v.find("url(") != std::string::npos || v.find("@import") != std::string::npos;
    if (fetches && !remote) ++remote_images;
    return remote || !fetches;
  }

  void children(xmlNodePtr parent, int depth) {
    for (xmlNodePtr n = parent->children; n;) {
      xmlNodePtr next = n->next;
      if (n->type == XML_ELEMENT_NODE) {
        std::string name = ascii_lower(name_of(n->name));
        if (in(kDrop, name) || depth > 200 || (name == "style" && !style_ok(n))) {
          xmlUnlinkNode(n);
          xmlFreeNode(n);
        } else if (!in(kKeep, name)) {  // unknown (o:p, custom tags): its content stays in its place
          xmlNodePtr first = n->children;
          while (n->children) {
            xmlNodePtr c = n->children;
            xmlUnlinkNode(c);
            xmlAddPrevSibling(n, c);
          }
          xmlUnlinkNode(n);
          xmlFreeNode(n);
          if (first) next = first;
        } else {
          attributes(n, name);
          children(n, depth + 1);
        }
      } else if (n->type != XML_TEXT_NODE && !(n->type == XML_CDATA_SECTION_NODE && name_of(parent->name) == "style")) {
        // comments (conditional ones too), PIs, CDATA (but a <style>'s text, which the parser keeps so)
        xmlUnlinkNode(n);
        xmlFreeNode(n);
      }
      n = next;
    }
  }
};

}  // namespace

SanitisedHtml sanitise_html(std::string_view html, bool remote_images) {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  SanitisedHtml out;
  htmlDocPtr doc =
      htmlReadMemory(html.data(), static_cast<int>(std::min<std::size_t>(html.size(), INT32_MAX)), nullptr, "UTF-8",
                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (!doc) {
    out.html = "<!doctype html><html><body></body></html>";
    return out;
  }
  Cleaner c{remote_images};
  for (xmlNodePtr n = doc->children; n;) {  // the DTD and anything outside <html>
    xmlNodePtr next = n->next;
    if (n->type == XML_ELEMENT_NODE) {
      std::string name = ascii_lower(name_of(n->name));
      if (name == "html") {
        c.attributes(n, name);
        c.children(n, 0);
      } else {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
      }
    } else if (n->type != XML_DTD_NODE) {
      xmlUnlinkNode(n);
      xmlFreeNode(n);
    }
    n = next;
  }
  xmlChar* buf = nullptr;
  int len = 0;
  htmlDocDumpMemoryFormat(doc, &buf, &len, 0);
  out.html = buf ? std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len)) : std::string();
  xmlFree(buf);
  xmlFreeDoc(doc);
  out.remote_images = c.remote_images;
  return out;
}

}  // namespace tiski::mail
