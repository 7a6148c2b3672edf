// A tenant's teams in Administration (admins): each team with its members to tick, and a new
// team. Chats reach a team when a site routes to it (the site editor) or an agent transfers
// one; the server checks that members serve the tenant.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { UiStrings } from './i18n';
import { call, errorText } from './desk';

export type TeamRow = { id: number; name: string; members: number[] };
type AgentRow = { id: number; name: string; active: boolean };

export function Teams({ t, tenant, csrf, rev, onChange }: { t: UiStrings; tenant: number; csrf: string; rev: number; onChange: () => void }) {
  const [teams, setTeams] = useState<TeamRow[]>([]);
  const [agents, setAgents] = useState<AgentRow[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState('');
  // A tick shows at once; a list asked for before it (still on its way) must not untick it.
  const asked = useRef(0);
  const load = () => {
    const n = ++asked.current;
    void call('GET', `/api/tenants/${tenant}/teams`).then((r) => { if (n === asked.current) setTeams(r.ok ? r.body.teams : []); });
    void call('GET', `/api/tenants/${tenant}/agents`).then((r) => setAgents(r.ok ? r.body.agents : []));
  };
  useEffect(load, [tenant, rev]);
  const create = async (e: Event) => {
    e.preventDefault();
    const r = await call('POST', `/api/tenants/${tenant}/teams`, { name: name.trim() }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) { setName(''); load(); onChange(); }
  };
  const toggle = async (team: TeamRow, agent: number) => {
    const members = team.members.includes(agent) ? team.members.filter((x) => x !== agent) : [...team.members, agent];
    asked.current++;
    setTeams((ts) => ts.map((x) => (x.id === team.id ? { ...x, members } : x)));
    const r = await call('PUT', `/api/tenants/${tenant}/teams/${team.id}`, { members }, csrf);
    setError(r.ok ? '' : errorText(r, t.ad_failed));
    if (r.ok) setTeams((ts) => ts.map((x) => (x.id === team.id ? r.body : x)));
    else load();  // refused: show what the server has
    onChange();
  };
  return (
    <section class="ad-teams">
      <h2>{t.tm_title} <span class="count">{teams.length}</span></h2>
      <p class="hint">{t.tm_hint}</p>
      {error && <p class="error" role="alert">{error}</p>}
      {teams.length === 0 ? <p class="empty" role="status">{t.tm_none}</p> : (
        <ul class="team-list">{teams.map((team) => (
          <li key={team.id} data-team={team.id}>
            <fieldset><legend><bdi>{team.name}</bdi> <span class="count">{team.members.length}</span></legend>
              {agents.filter((a) => a.active || team.members.includes(a.id)).map((a) => (
                <label key={a.id} class="check"><input type="checkbox" checked={team.members.includes(a.id)} onChange={() => void toggle(team, a.id)} /><bdi>{a.name}</bdi></label>))}
            </fieldset>
          </li>))}</ul>
      )}
      <form class="ad-form" onSubmit={create}>
        <label>{t.tm_new}<input required maxLength={60} value={name} placeholder={t.tm_example} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <button class="primary" type="submit">{t.tm_create}</button>
      </form>
    </section>
  );
}
