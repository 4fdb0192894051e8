export type Status = 'todo' | 'doing' | 'done';

export interface Task {
  id: number;
  title: string;
  status: Status;
  estimate?: number;
}

export function newTask(id: number, title: string): Task {
  return { id, title, status: 'todo' };
}
