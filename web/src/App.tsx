import { lazy, Suspense, useEffect, useRef } from "react";
import { Link, NavLink, Route, Routes, useNavigate } from "react-router-dom";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data } from "./api/client";
import { Login } from "./pages/Login";
import { Home } from "./pages/Home";
import { Search } from "./pages/Search";
import { TablePage } from "./pages/TablePage";
import { Findings } from "./pages/Findings";
import { Policies } from "./pages/Policies";
import { Cost } from "./pages/Cost";
import { Ask } from "./pages/Ask";
import { Sources } from "./pages/Sources";
import { Jobs } from "./pages/Jobs";

// The graph page brings React Flow (and ELK for small graphs): loaded when opened.
const LineagePage = lazy(() => import("./pages/LineagePage").then((m) => ({ default: m.LineagePage })));

export function App() {
  return (
    <Routes>
      <Route path="/login" element={<Login />} />
      <Route path="*" element={<Shell />} />
    </Routes>
  );
}

/** The pages a logged-in steward sees, under one bar. */
function Shell() {
  const me = useQuery({ queryKey: ["me"], queryFn: () => data(api.GET("/api/v1/auth/me")) });
  const navigate = useNavigate();
  const queries = useQueryClient();
  const search = useRef<HTMLInputElement>(null);

  // `/` focuses the search box from anywhere but a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const logout = async () => {
    await api.POST("/api/v1/auth/logout");
    queries.clear();
    navigate("/login");
  };

  if (me.isLoading) return <p className="muted pad">Loading…</p>;
  if (me.isError) return <p className="error pad">{String(me.error.message)}</p>;
  return (
    <>
      <header className="bar">
        <Link to="/" className="brand">Steward</Link>
        <nav>
          <NavLink to="/" end>Home</NavLink>
          <NavLink to="/findings">Findings</NavLink>
          <NavLink to="/policies">Policies</NavLink>
          <NavLink to="/cost">Cost</NavLink>
          <NavLink to="/ask">Ask</NavLink>
          <NavLink to="/sources">Sources</NavLink>
          <NavLink to="/jobs">Jobs</NavLink>
        </nav>
        <form
          className="searchbox"
          onSubmit={(e) => {
            e.preventDefault();
            const q = search.current?.value.trim();
            if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
          }}
        >
          <input ref={search} name="q" placeholder="Search tables, columns, policies, findings  ( / )" aria-label="Search" />
        </form>
        <span className="who" title={me.data?.via}>
          {me.data?.user} · {me.data?.role}
        </span>
        <button className="link" onClick={logout}>Log out</button>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/search" element={<Search />} />
          <Route path="/tables/:name" element={<TablePage role={me.data!.role} />} />
          <Route path="/findings" element={<Findings role={me.data!.role} />} />
          <Route path="/policies" element={<Policies role={me.data!.role} />} />
          <Route path="/cost" element={<Cost />} />
          <Route path="/ask" element={<Ask role={me.data!.role} />} />
          <Route path="/sources" element={<Sources role={me.data!.role} />} />
          <Route path="/jobs" element={<Jobs role={me.data!.role} />} />
          <Route
            path="/lineage/:asset"
            element={
              <Suspense fallback={<p className="pad muted">Loading…</p>}>
                <LineagePage />
              </Suspense>
            }
          />
          <Route path="*" element={<p className="pad">No such page. <Link to="/">Home</Link></p>} />
        </Routes>
      </main>
    </>
  );
}
