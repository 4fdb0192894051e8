import { Task, Status, newTask } from './task';

export class Board {
  private tasks: Task[] = [];

  add(title: string): Task {
    const task = newTask(this.tasks.length + 1, title);
    this.tasks.push(task);
    return task;
  }

  move(id: number, status: Status): void {
    const task = this.tasks.find((t) => t.id === id);
    task.status = status;
  }

  remaining(): number {
    return this.tasks
      .filter((t) => t.status !== 'done')
      .reduce((sum, t) => sum + t.estimate, 0);
  }

  titles(): string {
    return this.tasks.map((t) => t.title);
  }
}

const board = new Board();
board.move('1', 'blocked');
