export async function fetchUser(id){
  const res = await fetch(`/api/users/${id}`,{headers:{'Accept':'application/json'}})
  if(!res.ok){ throw new Error("request failed: "+res.status) }
  return res.json()
}
