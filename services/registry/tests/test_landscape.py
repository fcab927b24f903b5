"""The landscape of an area as JSON, GraphML and Mermaid; and Popolo JSON."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import networkx as nx

from .factories import Api, area, org_api, partnership, person


async def landscape_of_lincolnshire(admin: Api) -> dict[str, Any]:
    """A strategy board over a county-wide CSP and a drugs group, a district CSP outside it
    sharing people with the county one, and a merged district CSP."""
    opcc = await org_api(admin, ["registry:read", "registry:write"])
    county, boston = await area(admin, "E10000019"), await area(admin, "E07000136")
    lincoln = await area(admin, "E07000138")
    board = await partnership(
        opcc,
        name='SLP "Strategy" Board <A&B>',
        type="strategic_board",
        statutory=True,
        footprint_area_ids=[county["id"]],
    )
    slp = await partnership(
        opcc,
        name="Safer Lincolnshire Partnership",
        parent_id=board["id"],
        footprint_area_ids=[county["id"]],
        themes=["asb", "drugs"],
    )
    drugs = await partnership(
        opcc,
        name="Drugs and Alcohol core priority group",
        type="cdp",
        parent_id=slp["id"],
        footprint_area_ids=[county["id"]],
    )
    district = await partnership(opcc, name="Boston CSP", footprint_area_ids=[boston["id"]])
    merged = await partnership(opcc, name="Lincoln CSP", footprint_area_ids=[lincoln["id"]])
    await opcc.created(
        f"/v1/partnerships/{merged['id']}/relations",
        {"type": "merged_into", "related_partnership_id": slp["id"], "start_date": "2025-04-01"},
    )
    people = [await person(opcc) for _ in range(4)]
    for who in people[:3]:
        await opcc.created(f"/v1/partnerships/{slp['id']}/memberships", {"person_id": who["id"]})
    for who in people[1:]:
        await opcc.created(
            f"/v1/partnerships/{district['id']}/memberships", {"person_id": who["id"]}
        )
    await opcc.created(
        f"/v1/partnerships/{drugs['id']}/memberships",
        {"person_id": people[0]["id"], "end_date": "2020-01-01"},  # left long ago
    )
    return {
        "api": opcc,
        "board": board,
        "slp": slp,
        "drugs": drugs,
        "district": district,
        "merged": merged,
    }


def edge_set(edges: list[tuple[str, str, str]]) -> Counter[tuple[str, str, str]]:
    return Counter(edges)


class TestTheLandscapeOfAnArea:
    async def test_json_has_hierarchy_relations_and_shared_member_edges(self, admin: Api):
        setup = await landscape_of_lincolnshire(admin)
        response = await setup["api"].get("/v1/landscape", params={"area": "E23000020"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["area"]["gss_code"] == "E23000020"
        ids = {n["id"]: n for n in body["nodes"]}
        mine = {setup[k]["id"] for k in ("board", "slp", "drugs", "district", "merged")}
        assert mine <= set(ids)
        edges = {(e["source"], e["target"], e["kind"]): e for e in body["edges"]}
        slp, district = setup["slp"]["id"], setup["district"]["id"]
        assert (slp, setup["board"]["id"], "parent") in edges
        assert (setup["drugs"]["id"], slp, "parent") in edges
        merged = edges[(setup["merged"]["id"], slp, "merged_into")]
        assert merged["start_date"] == "2025-04-01"
        pair = tuple(sorted([slp, district]))
        shared = edges[(pair[0], pair[1], "shared_members")]
        assert shared["weight"] == 2 and shared["jaccard"] == 0.5
        assert ids[setup["drugs"]["id"]]["members"] == 0  # past members do not count
        assert ids[district]["footprint_gss_codes"] == ["E07000136"]

    async def test_a_parent_outside_the_area_is_shown_for_context(self, admin: Api):
        setup = await landscape_of_lincolnshire(admin)
        body = (await setup["api"].get("/v1/landscape", params={"area": "E07000136"})).json()
        in_area = {n["id"]: n["in_area"] for n in body["nodes"]}
        assert in_area[setup["district"]["id"]] is True and all(in_area.values())
        lincoln = (await setup["api"].get("/v1/landscape", params={"area": "E07000138"})).json()
        outside = {n["id"] for n in lincoln["nodes"] if not n["in_area"]}
        assert setup["slp"]["id"] in outside

    async def test_graphml_loads_in_networkx_with_the_same_nodes_and_edges(self, admin: Api):
        setup = await landscape_of_lincolnshire(admin)
        url, params = "/v1/landscape", {"area": "E23000020"}
        body = (await setup["api"].get(url, params=params)).json()
        response = await setup["api"].get(
            url, params=params, headers={"Accept": "application/graphml+xml"}
        )
        assert response.headers["content-type"].startswith("application/graphml+xml")
        graph = nx.read_graphml(io.BytesIO(response.content))
        assert set(graph.nodes) == {n["id"] for n in body["nodes"]}
        assert edge_set([(s, t, d["kind"]) for s, t, d in graph.edges(data=True)]) == edge_set(
            [(e["source"], e["target"], e["kind"]) for e in body["edges"]]
        )
        node = graph.nodes[setup["board"]["id"]]
        assert node["statutory"] is True and isinstance(node["members"], int)
        assert node["name"] == 'SLP "Strategy" Board <A&B>'
        weights = [d["weight"] for _, _, d in graph.edges(data=True) if "weight" in d]
        assert weights and all(isinstance(w, int) for w in weights)

    async def test_mermaid_is_a_flowchart_with_safe_ids_and_escaped_labels(self, admin: Api):
        setup = await landscape_of_lincolnshire(admin)
        response = await setup["api"].get(
            "/v1/landscape", params={"area": "E23000020", "format": "mermaid"}
        )
        assert response.headers["content-type"].startswith("text/vnd.mermaid")
        text = response.text
        assert "\nflowchart TD\n" in text
        assert "SLP #quot;Strategy#quot; Board #lt;A#amp;B#gt;" in text
        assert '"Strategy"' not in text
        assert '-.->|"merged_into"|' in text and '---|"2 shared, J=0.50"|' in text
        node_ids = {line.split("[", 1)[0].strip() for line in text.splitlines() if '["' in line}
        assert all(n.startswith("p") and n[1:].isdigit() for n in node_ids)

    async def test_an_unknown_area_is_a_404(self, admin: Api):
        response = await admin.get("/v1/landscape", params={"area": "E99999999"})
        assert response.status_code == 404


class TestPopoloExport:
    async def test_an_area_maps_back_to_popolo_names(self, admin: Api):
        setup = await landscape_of_lincolnshire(admin)
        chair = await person(setup["api"], email="chair@example.org")
        await setup["api"].created(
            f"/v1/partnerships/{setup['slp']['id']}/memberships",
            {"person_id": chair["id"], "role": "chair", "on_behalf_of_id": setup["api"].org["id"]},
        )
        response = await admin.get("/v1/export/popolo", params={"area": "E23000020"})
        assert response.status_code == 200, response.text
        popolo = response.json()
        organizations = {o["id"]: o for o in popolo["organizations"]}
        slp = organizations[setup["slp"]["id"]]
        assert slp["classification"] == "csp" and slp["parent_id"] == setup["board"]["id"]
        seats = [m for m in popolo["memberships"] if m.get("person_id") == chair["id"]]
        seat = next(m for m in seats if m["organization_id"] == setup["slp"]["id"])
        assert seat["on_behalf_of_id"] == setup["api"].org["id"]
        post = next(p for p in popolo["posts"] if p["id"] == seat["post_id"])
        assert post["label"] == "Chair of Safer Lincolnshire Partnership"
        assert {a["identifier"] for a in popolo["areas"]} >= {"E23000020", "E10000019", "E07000136"}
        persons = {p["id"]: p for p in popolo["persons"]}
        assert persons[chair["id"]]["contact_details"][0]["value"] == "chair@example.org"
        reader = await org_api(admin, ["registry:read"])
        hidden = (await reader.get("/v1/export/popolo", params={"area": "E23000020"})).json()
        assert "chair@example.org" not in str(hidden)
