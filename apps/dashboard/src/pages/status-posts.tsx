import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formErrors } from '../api/errors.js';
import { Field, FormErrorList, Loading, QueryError } from '../components/form.js';
import { when } from '../lib/format.js';
import { useCan } from '../session-context.js';
import type { StatusComponentView, StatusPageView } from './status-pages.page.js';

type PostState = 'investigating' | 'identified' | 'monitoring' | 'resolved';

interface Post {
  id: string;
  title: string;
  state: PostState;
  published: boolean;
  publishedAt: string | null;
  incidentId: string | null;
  componentIds: string[];
  createdAt: string;
  updates: { id: string; state: PostState; body: string; at: string }[];
}

export const POST_STATES: [PostState, string][] = [
  ['investigating', 'Investigating'],
  ['identified', 'Identified'],
  ['monitoring', 'Monitoring'],
  ['resolved', 'Resolved'],
];

const stateName = (state: PostState) => POST_STATES.find(([s]) => s === state)?.[1] ?? state;

const POSTS = `query StatusPosts($id: ID!) { statusPage(id: $id) { id posts { id title state published publishedAt incidentId componentIds createdAt updates { id state body at } } } }`;

/**
 * A page's incident posts, drafts included (newest first): operators write one with its first update, add updates,
 * publish a draft and delete. Publishing tells the page's subscribers, so it is its own button, never a side effect.
 */
export function StatusPostsPanel({ page, onChanged }: { page: StatusPageView; onChanged: () => void }) {
  const [{ data, fetching, error }, refetch] = useQuery<{ statusPage: { posts: Post[] } }>({ query: POSTS, variables: { id: page.id } });
  const reload = () => {
    refetch({ requestPolicy: 'network-only' });
    onChanged();
  };
  const canWrite = useCan('operator');
  const posts = data?.statusPage.posts ?? [];
  return (
    <section aria-labelledby="posts-title">
      <h2 id="posts-title">Incident posts on {page.title}</h2>
      <QueryError error={error} />
      {fetching && !data && <Loading what="the posts" />}
      {data && posts.length === 0 && <p className="muted">None yet.</p>}
      {posts.map((post) => (
        <PostCard key={post.id} post={post} components={page.components} canWrite={canWrite} onChanged={reload} />
      ))}
      {canWrite && (
        <div className="cards">
          <NewPost page={page} onCreated={reload} />
        </div>
      )}
    </section>
  );
}

function componentNames(ids: string[], components: StatusComponentView[]): string {
  const names = ids.map((id) => components.find((c) => c.id === id)?.displayName ?? 'a component no longer on the page');
  return names.length ? names.join(', ') : 'no component named';
}

function PostCard({ post, components, canWrite, onChanged }: { post: Post; components: StatusComponentView[]; canWrite: boolean; onChanged: () => void }) {
  const [published, publish] = useMutation('mutation PublishStatusPost($id: ID!) { updateStatusPost(id: $id, input: {published: true}) { id } }');
  const [removed, remove] = useMutation('mutation DeleteStatusPost($id: ID!) { deleteStatusPost(id: $id) }');
  const [deleting, setDeleting] = useState(false);
  // The API lists updates oldest first; the page shows them newest first, and so does this.
  const updates = [...post.updates].reverse();
  return (
    <article className="card" aria-label={post.title} data-post={post.title}>
      <h3>
        {post.title} <span className="muted">· {stateName(post.state)}</span>
      </h3>
      <p data-testid="post-status">
        {post.published ? `Published ${when(post.publishedAt)}` : 'Draft: not on the page, nobody told'}
        {post.incidentId && ' · drafted from an incident'} · about {componentNames(post.componentIds, components)}
      </p>
      <ol className="post-updates">
        {updates.map((u) => (
          <li key={u.id}>
            <strong>{stateName(u.state)}</strong> <span className="muted">{when(u.at)}</span>
            <p>{u.body}</p>
          </li>
        ))}
      </ol>
      <QueryError error={published.error ?? removed.error} />
      {canWrite && (
        <>
          <AddUpdate post={post} onAdded={onChanged} />
          {!post.published && (
            <button type="button" className="primary" disabled={published.fetching} onClick={() => publish({ id: post.id }).then((r) => !r.error && onChanged())}>
              Publish
            </button>
          )}
          {!deleting ? (
            <button type="button" className="danger" onClick={() => setDeleting(true)}>
              Delete…
            </button>
          ) : (
            <div role="alertdialog" aria-label={`Delete ${post.title}?`} className="confirm">
              <p>
                Delete {post.title}? It and its {updates.length} update{updates.length === 1 ? '' : 's'} leave the page for good.
                {post.published ? ' Subscribers already told keep what they were sent.' : ''}
              </p>
              <button type="button" className="danger" disabled={removed.fetching} onClick={() => remove({ id: post.id }).then((r) => !r.error && onChanged())}>
                Delete the post
              </button>
              <button type="button" onClick={() => setDeleting(false)}>
                Keep it
              </button>
            </div>
          )}
        </>
      )}
    </article>
  );
}

function StateSelect({ value, onChange, ...p }: { id: string; value: PostState; onChange: (state: PostState) => void; 'aria-invalid': boolean; 'aria-describedby'?: string }) {
  return (
    <select {...p} value={value} onChange={(e) => onChange(e.target.value as PostState)}>
      {POST_STATES.map(([s, name]) => (
        <option key={s} value={s}>
          {name}
        </option>
      ))}
    </select>
  );
}

/** A new post and its first update; a draft unless "Publish now" is ticked (then subscribers are told at once). */
function NewPost({ page, onCreated }: { page: StatusPageView; onCreated: () => void }) {
  const [title, setTitle] = useState('');
  const [state, setState] = useState<PostState>('investigating');
  const [body, setBody] = useState('');
  const [componentIds, setComponentIds] = useState<string[]>([]);
  const [publishNow, setPublishNow] = useState(false);
  const [result, create] = useMutation(
    'mutation CreateStatusPost($pageId: ID!, $input: StatusPostInput!, $update: StatusPostUpdateInput!) { createStatusPost(pageId: $pageId, input: $input, update: $update) { id } }',
  );
  const errors = formErrors(result.error, ['title', 'componentIds', 'published', 'update.state', 'update.body']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await create({ pageId: page.id, input: { title, componentIds, published: publishNow }, update: { state, body } });
    if (res.error) return;
    setTitle('');
    setBody('');
    setComponentIds([]);
    setPublishNow(false);
    setState('investigating');
    onCreated();
  };
  return (
    <form className="card" onSubmit={submit} aria-label="New incident post">
      <h3>New incident post</h3>
      <FormErrorList errors={errors} />
      <Field label="Post title" error={errors.fields.title}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <Field label="State" error={errors.fields['update.state']}>
        {(p) => <StateSelect {...p} value={state} onChange={setState} />}
      </Field>
      <Field label="What is happening" error={errors.fields['update.body']} hint="Shown on the page and sent to subscribers once published">
        {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <fieldset className="field">
        <legend>Components it affects</legend>
        {page.components.length === 0 && <p className="muted">The page has no components.</p>}
        {page.components.map((c) => (
          <label key={c.id} className="check">
            <input
              type="checkbox"
              checked={componentIds.includes(c.id)}
              onChange={(e) => setComponentIds(e.target.checked ? [...componentIds, c.id] : componentIds.filter((id) => id !== c.id))}
            />{' '}
            {c.displayName}
          </label>
        ))}
        {errors.fields.componentIds && (
          <small className="error" role="alert">
            {errors.fields.componentIds}
          </small>
        )}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={publishNow} onChange={(e) => setPublishNow(e.target.checked)} /> Publish now (subscribers are told at once)
      </label>
      <button type="submit" className="primary" disabled={result.fetching}>
        {publishNow ? 'Publish the post' : 'Save as draft'}
      </button>
    </form>
  );
}

/** The next update of a post; on a published post it is on the page and sent to subscribers at once. */
function AddUpdate({ post, onAdded }: { post: Post; onAdded: () => void }) {
  const [state, setState] = useState<PostState>(post.state);
  const [body, setBody] = useState('');
  const [result, add] = useMutation('mutation AddStatusPostUpdate($postId: ID!, $input: StatusPostUpdateInput!) { addStatusPostUpdate(postId: $postId, input: $input) { id } }');
  const errors = formErrors(result.error, ['state', 'body']);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const res = await add({ postId: post.id, input: { state, body } });
    if (res.error) return;
    setBody('');
    onAdded();
  };
  return (
    <form onSubmit={submit} aria-label={`Add an update to ${post.title}`}>
      <FormErrorList errors={errors} />
      <Field label="New state" error={errors.fields.state}>
        {(p) => <StateSelect {...p} value={state} onChange={setState} />}
      </Field>
      <Field label="Update" error={errors.fields.body} hint={post.published ? 'On the page and sent to subscribers at once' : 'Kept with the draft until it is published'}>
        {(p) => <textarea {...p} rows={2} value={body} onChange={(e) => setBody(e.target.value)} />}
      </Field>
      <button type="submit" disabled={result.fetching}>
        Add the update
      </button>
    </form>
  );
}
