// Beast HTTP messages in and out: responses (JSON, errors, the answer to an unreadable
// request, static files with their caching and security headers), the conversion to and from
// the route table's api::Request/api::Response, and the little parsing the network layer does
// itself (the session cookie, the client address key). Pure functions: any thread.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "api/api.h"
#include "net/static_files.h"
#include "util/error.h"

namespace tiski {

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

Response make_response(const Request& req, http::status status, std::string body, std::string_view type);
Response json_response(const Request& req, http::status status, const boost::json::value& v);
// {"error":{"code","message"}} with the status of the error's code.
Response error_response(const Request& req, const Error& e);
// The answer to a request that could not be read: too large (413/431), or not HTTP (400).
Response read_error_response(const boost::beast::error_code& ec);
// A file of `files` (404 if there is none), with ETag/304, gzip, caching and the console's and
// demo shop's Content-Security-Policy.
Response static_file_response(const StaticFiles& files, const Request& req);

// The route table's view of a request (moves the body out) and the Beast response of its answer.
api::Request to_api(Request& req);
Response from_api(const Request& req, api::Response r);

// The value of cookie `name`, or empty.
std::string cookie_value(const Request& req, std::string_view name);
// The key of a client address for the limits: IPv4 as is, IPv6 by its /64 (one subscriber).
std::string address_key(const boost::asio::ip::address& a);

// The two routes whose body may be larger than limits::kMaxHttpBodyBytes, once their
// credentials are checked (Server::Impl::body_limit):
// POST /api/tenants/<id>/mail/inbound with a bearer "tsk_" token, the email channel's door (an
// email of up to mail::kMaxInboundMailBytes);
bool is_mail_door(const Request& req);
// POST /api/visitor/files (a visitor token) or /api/conversations/<id>/files (a session): an
// upload (a file of up to attachments::kMaxFileBytes).
bool is_upload(const Request& req);

// A HEAD request's answer: the GET's headers, Content-Length included, and no body (a body
// would be read as the start of the next answer on a kept-alive connection).
void without_body(Response& res);
// The widget's own calls (/api/visitor/…) come from the shops' pages: any origin may make them,
// since they carry the visitor's token, never a cookie.
void allow_any_origin(Response& res);

}  // namespace tiski
