// The REST API's resources, one file each, registered into a Routes table by net/ at start-up:
//
//   session_api.cc  POST /api/login, GET /api/me, POST /api/logout, PUT /api/me/status
//   tenants_api.cc  GET|PUT /api/tenants/{id}/hours, GET /api/tenants/{id}/presence|queue
//   sites_api.cc    GET|PUT /api/sites/{key}, GET|PUT /api/sites/{key}/rules
//   reports_api.cc  GET /api/tenants/{id}/reports/summary
//   search_api.cc   GET /api/search (transcripts of my tenants)
//   desk_api.cc     GET /api/desk, GET|PUT /api/tenants/{id}/desk, /api/tenants/{id}/canned[/{id}]
//   quality_api.cc  /api/reviews/queue, /api/conversations/{id}/review|suggestions, trends
//   admin_api.cc    /api/tenants, /api/tenants/{id}/agents[/{agent}], audit, /api/me/sessions
//   blocks_api.cc   POST /api/conversations/{id}/block, GET|DELETE /api/tenants/{id}/blocks[/{block}]
//   integrations_api.cc  /api/tenants/{id}/tokens[/{token}], /api/tenants/{id}/webhooks[/…]
//   totp_api.cc     /api/me/totp[/confirm|/disable], /api/tenants/{id}/security (two-factor login)
//   privacy_api.cc  /api/tenants/{id}/privacy (retention), …/privacy/export, …/privacy/erase
//   contacts_api.cc /api/tenants/{id}/contacts[/{contact}[/keys|/conversations|/merge|/split]]
//   channel_api.cc  POST /api/tenants/{id}/channel/messages (the API channel: a bridge's customers),
//                   POST /api/tenants/{id}/mail/inbound (the email channel: raw MIME from a provider)
//   files_api.cc    POST /api/visitor/files, GET …/{file} (the widget, a visitor token),
//                   POST /api/conversations/{id}/files, GET …/{file} (agents): attachments
//   ops_api.cc      GET /healthz, /readyz, /metrics (with the [metrics] token)
//
// docs/openapi.yaml documents them. A new resource is a new file with an add_*_routes().
#pragma once

#include <functional>
#include <string>

#include "api/routes.h"
#include "chat/chat.h"
#include "reports/rollups.h"
#include "util/metrics.h"

namespace tiski::api {

struct Services {
  Chat& chat;
  AuthService& auth;
  StoreWorker& store;
  StoreWorker& reports;       // read-only, its own connection and thread (StoreWorker::Mode::kReads)
  reports::Rollups& rollups;  // used only on the `reports` worker's thread
  Metrics& metrics;
  bool secure_cookies = false;     // the public URL is https: cookies get Secure
  std::string metrics_token;       // [metrics] token; "" = /metrics only on its own listener
  std::function<bool()> draining;  // shutting down: /readyz says 503
  bool webhooks_private = false;   // [webhooks] allow_private: http and private addresses allowed
  bool imap_private = false;       // [imap] allow_private: mailboxes on loopback/private servers
  std::string public_url;          // how browsers reach us (configured, or derived): password links
};

void add_session_routes(Routes& routes, Services& s);
void add_tenant_routes(Routes& routes, Services& s);
void add_site_routes(Routes& routes, Services& s);
void add_ops_routes(Routes& routes, Services& s);
void add_report_routes(Routes& routes, Services& s);
void add_desk_routes(Routes& routes, Services& s);
void add_search_routes(Routes& routes, Services& s);
void add_quality_routes(Routes& routes, Services& s);
void add_admin_routes(Routes& routes, Services& s);
void add_block_routes(Routes& routes, Services& s);
void add_integration_routes(Routes& routes, Services& s);
void add_privacy_routes(Routes& routes, Services& s);
void add_totp_routes(Routes& routes, Services& s);
void add_password_routes(Routes& routes, Services& s);
void add_team_routes(Routes& routes, Services& s);
void add_contact_routes(Routes& routes, Services& s);
void add_channel_routes(Routes& routes, Services& s);
void add_mailbox_routes(Routes& routes, Services& s);
void add_file_routes(Routes& routes, Services& s);

inline void add_all_routes(Routes& routes, Services& s) {
  add_ops_routes(routes, s);
  add_session_routes(routes, s);
  add_tenant_routes(routes, s);
  add_site_routes(routes, s);
  add_report_routes(routes, s);
  add_desk_routes(routes, s);
  add_search_routes(routes, s);
  add_quality_routes(routes, s);
  add_admin_routes(routes, s);
  add_block_routes(routes, s);
  add_integration_routes(routes, s);
  add_privacy_routes(routes, s);
  add_totp_routes(routes, s);
  add_password_routes(routes, s);
  add_team_routes(routes, s);
  add_contact_routes(routes, s);
  add_channel_routes(routes, s);
  add_mailbox_routes(routes, s);
  add_file_routes(routes, s);
}

}  // namespace tiski::api
